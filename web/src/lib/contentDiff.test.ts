// A regeneration compared with the resume before it.
import { describe, expect, it } from "vitest";

import type { Content, JobContent } from "../api/client";
import { diffContent } from "./contentDiff";

const before: Content = {
  full_name: "Ada Lovelace",
  headline: "Programmer",
  skills: ["Rust", "Maths"],
  experience: [{ company: "Engines Ltd", title: "Programmer", start: "2020-01", highlights: ["Wrote", "Shipped"] }],
};

const resume = (content: Content): JobContent => ({ job_id: "j", document: "resume", content });

describe("what a regeneration changed", () => {
  it("is nothing for the same text", () => {
    expect(diffContent(resume(before), resume(structuredClone(before)))).toEqual({ removed: [], added: [] });
  });

  it("names a letter's paragraphs", () => {
    const letter = (second: string): JobContent => ({
      job_id: "j",
      document: "cover_letter",
      content: { greeting: "Dear team,", paragraphs: ["One.", second], closing: "Kind regards,", signature: "Ada" },
    });
    expect(diffContent(letter("Two."), letter("Two, reworded."))).toEqual({
      removed: ["Paragraph 2: Two."],
      added: ["Paragraph 2: Two, reworded."],
    });
  });

  it("names each line removed and added, where it is", () => {
    const after: Content = {
      ...before,
      headline: "Engine programmer",
      experience: [{ ...before.experience![0]!, highlights: ["Wrote", "Shipped the engine"] }],
    };
    expect(diffContent(resume(before), resume(after))).toEqual({
      removed: ["Headline: Programmer", "Programmer, Engines Ltd: Shipped"],
      added: ["Headline: Engine programmer", "Programmer, Engines Ltd: Shipped the engine"],
    });
  });
});
