// The candidate form: its values (what the inputs hold: strings, skills comma-separated,
// highlights one per line), the schema that checks them with the server's own rules
// (server/src/core/validate.rs: lengths, required fields, e-mail, URL and date shapes,
// counts), and the conversions to and from the API's Candidate.
import { z } from "zod";

import type { Candidate } from "../api/client";

const required = (max: number) =>
  z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);
const optional = (max: number) => z.string().trim().max(max, `At most ${max} characters`);

const MONTH = /^\d{4}(-(0[1-9]|1[0-2]))?$/;
const month = z.string().trim().refine((v) => v === "" || MONTH.test(v), 'Use "YYYY" or "YYYY-MM"');

/** Splits on commas and new lines, dropping blanks. */
export function splitList(value: string, separator: RegExp): string[] {
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function period<T extends { start: string; end: string }>(row: T, ctx: z.core.$RefinementCtx<T>) {
  if (row.start && row.end && MONTH.test(row.start) && MONTH.test(row.end) && row.end < row.start) {
    ctx.addIssue({ code: "custom", path: ["end"], message: "Must not be before the start" });
  }
}

const listOf = (max: number, label: string, each: number) =>
  z
    .string()
    .transform((v, ctx) => {
      const items = splitList(v, label === "highlights" ? /\n/ : /[,\n]/);
      if (items.length > max) ctx.addIssue({ code: "custom", message: `At most ${max} ${label}` });
      const long = items.find((item) => item.length > each);
      if (long) ctx.addIssue({ code: "custom", message: `Each of the ${label} is at most ${each} characters` });
      return items;
    });

export const candidateSchema = z.object({
  full_name: required(200),
  email: z
    .string()
    .trim()
    .refine(
      (v) => v === "" || (v.length <= 254 && /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$/.test(v)),
      "An address like name@example.com",
    ),
  phone: optional(50),
  location: optional(200),
  headline: optional(300),
  summary: optional(5000),
  skills: listOf(100, "skills", 100),
  links: z
    .array(
      z.object({
        label: required(100),
        url: z
          .string()
          .trim()
          .min(1, "Required")
          .max(2048, "At most 2048 characters")
          .regex(/^https?:\/\/\S+$/, "An http:// or https:// URL"),
      }),
    )
    .max(20, "At most 20 links"),
  experience: z
    .array(
      z
        .object({
          company: required(200),
          title: required(200),
          location: optional(200),
          start: month.refine((v) => v !== "", "Required"),
          end: month,
          highlights: listOf(30, "highlights", 1000),
        })
        .superRefine(period),
    )
    .max(50, "At most 50 roles"),
  education: z
    .array(
      z
        .object({
          institution: required(200),
          degree: optional(200),
          field: optional(200),
          start: month,
          end: month,
        })
        .superRefine(period),
    )
    .max(20, "At most 20 entries"),
  certifications: z
    .array(
      z.object({
        name: required(200),
        issuer: optional(200),
        year: z
          .string()
          .trim()
          .refine((v) => v === "" || (/^\d{4}$/.test(v) && +v >= 1900 && +v <= 2100), "A year from 1900 to 2100"),
      }),
    )
    .max(50, "At most 50 certifications"),
});

/** What the form's inputs hold. */
export type CandidateForm = z.input<typeof candidateSchema>;
/** The form once checked (trimmed, lists split). */
export type CheckedCandidate = z.output<typeof candidateSchema>;

export const blankExperience = { company: "", title: "", location: "", start: "", end: "", highlights: "" };
export const blankEducation = { institution: "", degree: "", field: "", start: "", end: "" };
export const blankCertification = { name: "", issuer: "", year: "" };
export const blankLink = { label: "", url: "" };

const orNull = (v: string) => (v === "" ? null : v);

/** The form's values for `candidate` (blank for a new one). */
export function toForm(candidate?: Candidate): CandidateForm {
  const text = (v: string | null | undefined) => v ?? "";
  return {
    full_name: text(candidate?.full_name),
    email: text(candidate?.email),
    phone: text(candidate?.phone),
    location: text(candidate?.location),
    headline: text(candidate?.headline),
    summary: text(candidate?.summary),
    skills: (candidate?.skills ?? []).join(", "),
    links: (candidate?.links ?? []).map((l) => ({ label: l.label, url: l.url })),
    experience: (candidate?.experience ?? []).map((e) => ({
      company: e.company,
      title: e.title,
      location: text(e.location),
      start: e.start,
      end: text(e.end),
      highlights: (e.highlights ?? []).join("\n"),
    })),
    education: (candidate?.education ?? []).map((e) => ({
      institution: e.institution,
      degree: text(e.degree),
      field: text(e.field),
      start: text(e.start),
      end: text(e.end),
    })),
    certifications: (candidate?.certifications ?? []).map((c) => ({
      name: c.name,
      issuer: text(c.issuer),
      year: c.year == null ? "" : String(c.year),
    })),
  };
}

/** The API's Candidate for checked form values (blank optional fields as null). */
export function toCandidate(form: CheckedCandidate): Candidate {
  return {
    full_name: form.full_name,
    email: orNull(form.email),
    phone: orNull(form.phone),
    location: orNull(form.location),
    headline: orNull(form.headline),
    summary: orNull(form.summary),
    skills: form.skills,
    links: form.links,
    experience: form.experience.map((e) => ({ ...e, location: orNull(e.location), end: orNull(e.end) })),
    education: form.education.map((e) => ({
      institution: e.institution,
      degree: orNull(e.degree),
      field: orNull(e.field),
      start: orNull(e.start),
      end: orNull(e.end),
    })),
    certifications: form.certifications.map((c) => ({
      name: c.name,
      issuer: orNull(c.issuer),
      year: c.year === "" ? null : Number(c.year),
    })),
  };
}

export const targetSchema = z.object({
  title: required(200),
  company: optional(200),
  description: required(20_000),
});

/** The API's body for a checked target job (a blank company as none). */
export function toTarget(form: z.output<typeof targetSchema>) {
  return { title: form.title, company: orNull(form.company), description: form.description };
}

/** The form's words for a field's name (`full_name`, `company`). */
const LABELS: Record<string, string> = {
  full_name: "Full name",
  email: "E-mail",
  phone: "Phone",
  location: "Location",
  headline: "Headline",
  summary: "Summary",
  skills: "Skills",
  links: "Links",
  experience: "Experience",
  education: "Education",
  certifications: "Certifications",
  label: "Label",
  url: "URL",
  company: "Company",
  title: "Title",
  start: "Start",
  end: "End",
  highlights: "Highlights",
  institution: "Institution",
  degree: "Degree",
  field: "Field",
  name: "Certification",
  issuer: "Issuer",
  year: "Year",
};

/** What one row of a group is called in the form ("Role 2"), by the group's name. */
const ROWS: Record<string, string> = { experience: "Role", education: "Education", certifications: "Certification", links: "Link" };

/** A field's path as the API names it (`experience[1].company`) in the form's words
 * ("Role 2, Company"); a path it does not know, as it is. */
export function fieldLabel(path: string): string {
  const match = /^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?$/.exec(path);
  const [, group = "", index, field] = match ?? [];
  const row = ROWS[group];
  if (!match || !(group in LABELS)) return path;
  if (index === undefined || !row) return LABELS[group] ?? path;
  const name = `${row} ${Number(index) + 1}`;
  return field ? `${name}, ${LABELS[field] ?? field}` : name;
}
