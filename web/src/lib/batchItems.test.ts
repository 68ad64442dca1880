// Ordering a batch's items.
import { describe, expect, it } from "vitest";

import type { BatchItem } from "../api/batches";
import { ordered } from "./batchItems";

const item = (candidate_name: string, fit: number | null): BatchItem => ({ candidate_id: 1, candidate_name, fit });
const items = [item("Ada", 40), item("Grace", null), item("Alan", 90), item("Edsger", 40), item("Barbara", null)];

describe("a batch's items", () => {
  it("stay as submitted unless asked otherwise", () => {
    expect(ordered(items, "submitted")).toBe(items);
  });
  it("go best fit first, ties and those without a fit as submitted, those without last", () => {
    expect(ordered(items, "fit").map((i) => i.candidate_name)).toEqual(["Alan", "Ada", "Edsger", "Grace", "Barbara"]);
    expect(items.map((i) => i.candidate_name)).toEqual(["Ada", "Grace", "Alan", "Edsger", "Barbara"]);
  });
});
