// Errors of a partial check are held back for fields not yet left.
import { describe, expect, it } from "vitest";

import { withheld } from "./checked";

const required = { type: "too_small", message: "Required" };

describe("withheld errors", () => {
  const errors = {
    full_name: required,
    experience: [{ company: required, title: required }, undefined, { start: required }],
  };

  it("keeps only the leaves that may show, dropping what is left empty", () => {
    const kept = withheld(errors, (path) => path === "experience.0.title");
    expect(kept).toEqual({ experience: [{ title: required }] });
    expect(Array.isArray(kept.experience)).toBe(true);
  });

  it("keeps every leaf when all may show, and nothing when none may", () => {
    expect(withheld(errors, () => true)).toEqual(errors);
    expect(withheld(errors, () => false)).toEqual({});
  });
});
