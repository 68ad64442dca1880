// The content editor's form: what the recruiter may change in a finished resume (the
// headline, the summary, the skills and their order, each role's bullets, which roles,
// schools and certifications appear) with the server's limits, and the conversions to and
// from the API's Content (the facts pass through unchanged).
import { z } from "zod";

import type { Content, Schemas } from "../api/client";

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);
const item = (max: number) => z.object({ value: z.string().trim().min(1, "Required").max(max, `At most ${max} characters`) });

const role = z.object({
  company: z.string(),
  title: z.string(),
  location: z.string().nullable(),
  start: z.string(),
  end: z.string().nullable(),
  highlights: z.array(item(1000)).max(30, "At most 30 bullets"),
});

export const contentSchema = z.object({
  full_name: z.string(),
  headline: text(300),
  summary: text(5000),
  skills: z.array(item(100)).max(100, "At most 100 skills"),
  experience: z.array(role),
  education: z.array(z.custom<Schemas["Education"]>()),
  certifications: z.array(z.custom<Schemas["Certification"]>()),
});

export type ContentForm = z.input<typeof contentSchema>;

export function toContentForm(content: Content): ContentForm {
  return {
    full_name: content.full_name,
    headline: content.headline ?? "",
    summary: content.summary ?? "",
    skills: (content.skills ?? []).map((value) => ({ value })),
    experience: (content.experience ?? []).map((e) => ({
      company: e.company,
      title: e.title,
      location: e.location ?? null,
      start: e.start,
      end: e.end ?? null,
      highlights: (e.highlights ?? []).map((value) => ({ value })),
    })),
    education: content.education ?? [],
    certifications: content.certifications ?? [],
  };
}

export function toContent(form: z.output<typeof contentSchema>): Content {
  return {
    full_name: form.full_name,
    headline: form.headline === "" ? null : form.headline,
    summary: form.summary === "" ? null : form.summary,
    skills: form.skills.map((s) => s.value),
    experience: form.experience.map((e) => ({ ...e, highlights: e.highlights.map((h) => h.value) })),
    education: form.education,
    certifications: form.certifications,
  };
}
