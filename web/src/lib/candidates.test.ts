// Searching and ordering the candidates list.
import { describe, expect, it } from "vitest";

import type { Candidate } from "../api/client";
import { matches, ordered } from "./candidates";

const zoe: Candidate = {
  id: 1,
  full_name: "Zoë Ångström",
  skills: ["Rust", "PostgreSQL"],
  experience: [{ company: "Remington Rand", title: "Engineer", start: "2020" }],
  created_at: "2026-11-01T10:00:00Z",
};
const ada: Candidate = { id: 2, full_name: "Ada Lovelace", skills: ["Mathematics"], created_at: "2026-11-02T10:00:00Z" };

describe("the candidates list", () => {
  it("matches a name, a company or a skill, in any case and without accents", () => {
    expect(matches(zoe, "zoe")).toBe(true);
    expect(matches(zoe, "remington")).toBe(true);
    expect(matches(zoe, "postgres rust")).toBe(true);
    expect(matches(zoe, "rust mathematics")).toBe(false);
    expect(matches(ada, "  ")).toBe(true);
  });

  it("orders by name or by last activity (the newest resume, else when added)", () => {
    expect(ordered([zoe, ada], "name", new Map()).map((c) => c.id)).toEqual([2, 1]);
    expect(ordered([zoe, ada], "activity", new Map()).map((c) => c.id)).toEqual([2, 1]);
    expect(ordered([zoe, ada], "activity", new Map([[1, "2026-12-01T09:00:00Z"]])).map((c) => c.id)).toEqual([1, 2]);
  });
});
