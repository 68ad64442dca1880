// A regeneration compared with the resume before it.
import { describe, expect, it } from "vitest";

import type { Content } from "../api/client";
import { diffContent } from "./contentDiff";

const before: Content = {
  full_name: "Ada Lovelace",
  headline: "Programmer",
  skills: ["Rust", "Maths"],
  experience: [{ company: "Engines Ltd", title: "Programmer", start: "2020-01", highlights: ["Wrote", "Shipped"] }],
};

describe("what a regeneration changed", () => {
  it("is nothing for the same text", () => {
    expect(diffContent(before, structuredClone(before))).toEqual({ removed: [], added: [] });
  });

  it("names each line removed and added, where it is", () => {
    const after: Content = {
      ...before,
      headline: "Engine programmer",
      experience: [{ ...before.experience![0]!, highlights: ["Wrote", "Shipped the engine"] }],
    };
    expect(diffContent(before, after)).toEqual({
      removed: ["Headline: Programmer", "Programmer, Engines Ltd: Shipped"],
      added: ["Headline: Engine programmer", "Programmer, Engines Ltd: Shipped the engine"],
    });
  });
});
