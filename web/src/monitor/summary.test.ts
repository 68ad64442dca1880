import { describe, expect, it } from "vitest";

import { type HistoryAnswer, summarise } from "./summary";

const bucket = (start: string, fields: Partial<HistoryAnswer["buckets"][number]>) => ({
  start,
  submitted: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  cache_hits: 0,
  prompt_tokens: 0,
  cached_tokens: 0,
  completion_tokens: 0,
  cost_usd: 0,
  ...fields,
});

describe("the dashboard's history summary", () => {
  it("totals the window, prices what the cache saved, and leaves empty buckets out of the rates", () => {
    const s = summarise({
      cost_per_generated_usd: 0.02,
      buckets: [
        bucket("2026-12-01T10:00:00Z", { succeeded: 3, failed: 1, cache_hits: 2, cost_usd: 0.02, run_p95_ms: 900 }),
        bucket("2026-12-01T10:01:00Z", {}),
        bucket("2026-12-01T10:02:00Z", { succeeded: 1, cost_usd: 0.02, run_p95_ms: 1500, wait_p95_ms: 20 }),
      ],
    });
    expect(s.times).toEqual([1796119200, 1796119260, 1796119320]);
    expect([s.succeeded, s.failed, s.finished, s.cacheHits]).toEqual([4, 1, 5, 2]);
    expect(s.failureRate).toBeCloseTo(0.2);
    expect(s.cacheHitRatio).toBeCloseTo(0.5);
    expect(s.cost).toBeCloseTo(0.04);
    expect(s.saved).toBeCloseTo(0.04);
    expect(s.worstRunP95).toBe(1500);
    expect(s.failureSeries).toEqual([25, null, 0]);
    expect(s.runP95Series).toEqual([900, null, 1500]);
    expect(s.waitP95Series).toEqual([null, null, 20]);
  });

  it("says nothing ran in an empty window", () => {
    const s = summarise({ cost_per_generated_usd: 0, buckets: [bucket("2026-12-01T10:00:00Z", {})] });
    expect([s.finished, s.failureRate, s.cacheHitRatio, s.saved, s.worstRunP95]).toEqual([0, 0, 0, 0, null]);
  });
});
