import { describe, expect, it } from "vitest";

import { type Batch, hasEnded, merged } from "./batches";
import { jobFixture } from "./jobFixture";

const counts = { pending: 1, processing: 1, succeeded: 0, failed: 0, cancelled: 0 };

function batch(extra: Partial<Batch> = {}): Batch {
  return {
    batch_id: "b",
    total: 2,
    counts,
    file_type: "pdf",
    priority: "default",
    fresh: false,
    cost_usd: 0,
    items: [
      { candidate_id: 1, candidate_name: "Ada", job: jobFixture({ job_id: "a", status: "PENDING", progress: 0 }) },
      { candidate_id: 2, candidate_name: "Bea", job: jobFixture({ job_id: "b", status: "PROCESSING", progress: 10 }) },
    ],
    ...extra,
  };
}

describe("a batch's events", () => {
  it("merge the items that changed and take the counts", () => {
    const done = { pending: 1, processing: 0, succeeded: 1, failed: 0, cancelled: 0 };
    const changed = { candidate_id: 2, candidate_name: "Bea", job: jobFixture({ job_id: "b" }) };
    const next = merged(batch(), batch({ counts: done, items: [changed] }));
    expect(next.counts).toEqual(done);
    expect(next.items.map((item) => item.job?.status)).toEqual(["PENDING", "SUCCESS"]);
  });

  it("take a whole batch when nothing was read yet", () => {
    const whole = batch();
    expect(merged(undefined, whole)).toBe(whole);
  });

  it("end the batch once nothing waits or runs", () => {
    expect(hasEnded(counts)).toBe(false);
    expect(hasEnded({ ...counts, pending: 0, processing: 0, failed: 2 })).toBe(true);
  });
});
