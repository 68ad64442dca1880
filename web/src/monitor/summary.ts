// A history answer as the dashboard shows it: totals over the window, and one series per
// chart (null where a bucket has nothing to say).
import type { Schemas } from "../api/client";

export type HistoryAnswer = Schemas["History"];

export interface Summary {
  times: number[];
  succeeded: number;
  failed: number;
  finished: number;
  cacheHits: number;
  failureRate: number;
  cacheHitRatio: number;
  cost: number;
  costPerGenerated: number;
  saved: number;
  worstRunP95: number | null;
  succeededSeries: number[];
  failedSeries: number[];
  failureSeries: (number | null)[];
  runP95Series: (number | null)[];
  waitP95Series: (number | null)[];
}

const total = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function summarise(history: HistoryAnswer): Summary {
  const buckets = history.buckets;
  const succeededSeries = buckets.map((b) => b.succeeded);
  const failedSeries = buckets.map((b) => b.failed);
  const [succeeded, failed] = [total(succeededSeries), total(failedSeries)];
  const cacheHits = total(buckets.map((b) => b.cache_hits));
  const runs = buckets.map((b) => b.run_p95_ms ?? null);
  const known = runs.filter((r): r is number => r !== null);
  return {
    times: buckets.map((b) => (b.start ? Date.parse(b.start) / 1000 : 0)),
    succeeded,
    failed,
    finished: succeeded + failed,
    cacheHits,
    failureRate: succeeded + failed ? failed / (succeeded + failed) : 0,
    cacheHitRatio: succeeded ? cacheHits / succeeded : 0,
    cost: total(buckets.map((b) => b.cost_usd)),
    costPerGenerated: history.cost_per_generated_usd,
    saved: cacheHits * history.cost_per_generated_usd,
    worstRunP95: known.length ? Math.max(...known) : null,
    succeededSeries,
    failedSeries,
    failureSeries: buckets.map((b) => (b.succeeded + b.failed ? (100 * b.failed) / (b.succeeded + b.failed) : null)),
    runP95Series: runs,
    waitP95Series: buckets.map((b) => b.wait_p95_ms ?? null),
  };
}
