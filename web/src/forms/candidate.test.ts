// The candidate form's rules mirror the server's (server/src/core/validate.rs), and the
// form round-trips a candidate.
import { describe, expect, it } from "vitest";

import type { Candidate } from "../api/client";
import { candidateSchema, fieldLabel, targetSchema, toCandidate, toForm, toTarget } from "./candidate";

const ada: Candidate = {
  full_name: "Ada Lovelace",
  email: "ada@example.com",
  phone: null,
  location: "London, UK",
  headline: "Analytical engine programmer",
  summary: null,
  links: [{ label: "GitHub", url: "https://github.com/ada" }],
  skills: ["Rust", "PostgreSQL"],
  experience: [
    { company: "Engines Ltd", title: "Programmer", location: null, start: "2020-01", end: null, highlights: ["Wrote", "Shipped"] },
  ],
  education: [{ institution: "University of London", degree: "BSc", field: null, start: "2012", end: "2015" }],
  certifications: [{ name: "Engine Operator", issuer: null, year: 2021 }],
};

function errors(change: (form: ReturnType<typeof toForm>) => void): Record<string, string> {
  const form = toForm(ada);
  change(form);
  const result = candidateSchema.safeParse(form);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((issue) => [issue.path.join("."), issue.message]));
}

describe("the candidate form", () => {
  it("round-trips a candidate", () => {
    const parsed = candidateSchema.parse(toForm(ada));
    expect(toCandidate(parsed)).toEqual(ada);
  });

  it("splits skills on commas and highlights on lines, trimming blanks", () => {
    const form = toForm(ada);
    form.skills = " Rust ,, PostgreSQL,\nKubernetes ";
    form.experience[0]!.highlights = "Wrote\n\n  Shipped  \n";
    const candidate = toCandidate(candidateSchema.parse(form));
    expect(candidate.skills).toEqual(["Rust", "PostgreSQL", "Kubernetes"]);
    expect(candidate.experience?.[0]?.highlights).toEqual(["Wrote", "Shipped"]);
  });

  it("names what the server would refuse", () => {
    expect(errors((f) => (f.full_name = "   "))).toEqual({ full_name: "Required" });
    expect(errors((f) => (f.full_name = "x".repeat(201)))).toEqual({ full_name: "At most 200 characters" });
    expect(errors((f) => (f.email = "ada-at-example"))).toEqual({ email: "An address like name@example.com" });
    expect(errors((f) => (f.email = "ada@example."))).toHaveProperty("email");
    expect(errors((f) => (f.links[0]!.url = "javascript:alert(1)"))).toEqual({
      "links.0.url": "An http:// or https:// URL",
    });
    expect(errors((f) => (f.experience[0]!.start = "Jan 2020"))).toEqual({
      "experience.0.start": 'Use "YYYY" or "YYYY-MM"',
    });
    expect(errors((f) => (f.experience[0]!.start = ""))).toEqual({ "experience.0.start": "Required" });
    expect(errors((f) => (f.experience[0]!.end = "2019-12"))).toEqual({
      "experience.0.end": "Must not be before the start",
    });
    expect(errors((f) => (f.experience[0]!.start = "2020-13"))).toHaveProperty(["experience.0.start"]);
    expect(errors((f) => (f.certifications[0]!.year = "1850"))).toEqual({
      "certifications.0.year": "A year from 1900 to 2100",
    });
    expect(errors((f) => (f.skills = Array.from({ length: 101 }, (_, i) => `s${i}`).join(",")))).toEqual({
      skills: "At most 100 skills",
    });
    expect(errors((f) => (f.summary = "x".repeat(5001)))).toEqual({ summary: "At most 5000 characters" });
  });

  it("leaves optional fields empty as null", () => {
    const form = toForm({ full_name: "Ada" });
    const candidate = toCandidate(candidateSchema.parse(form));
    expect(candidate).toMatchObject({ full_name: "Ada", email: null, skills: [], experience: [] });
  });
});

describe("a target job (added or edited)", () => {
  it("is checked like the server checks it, a blank company sent as none", () => {
    expect(toTarget(targetSchema.parse({ title: " Engineer ", company: "  ", description: "Build" }))).toEqual({
      title: "Engineer",
      company: null,
      description: "Build",
    });
    const refused = targetSchema.safeParse({ title: " ", company: "x".repeat(201), description: "" });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path.join("."))).toEqual(["title", "company", "description"]);
  });
});

describe("field paths in the form's words", () => {
  it("names a row as the form does, counting from 1", () => {
    expect(fieldLabel("experience[1].company")).toBe("Role 2, Company");
    expect(fieldLabel("education[0].institution")).toBe("Education 1, Institution");
    expect(fieldLabel("certifications[2].name")).toBe("Certification 3, Certification");
    expect(fieldLabel("links[0].url")).toBe("Link 1, URL");
    expect(fieldLabel("experience[3]")).toBe("Role 4");
    expect(fieldLabel("full_name")).toBe("Full name");
    expect(fieldLabel("experience")).toBe("Experience");
    expect(fieldLabel("something.else")).toBe("something.else");
  });
});
