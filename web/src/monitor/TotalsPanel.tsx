// Totals across every user's jobs: outcomes, cache hits and how fast jobs run.
import { ErrorMessage } from "../components/ErrorMessage";
import { Figures } from "../components/Figures";
import { useStats } from "./queries";
import { useLive } from "./live";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const count = new Intl.NumberFormat();

export function TotalsPanel() {
  const { live } = useLive();
  const stats = useStats(live);
  const s = stats.data;
  const figures: [string, string][] = s
    ? [
        ["Succeeded", count.format(s.succeeded)],
        ["Failed", count.format(s.failed)],
        ["Cancelled", count.format(s.cancelled)],
        ["Cache hits", `${count.format(s.cache_hits)} (${percent.format(s.cache_hit_ratio)})`],
        ["Submitted in the last minute", count.format(s.jobs_last_minute)],
        ["Average run time", `${Math.round(s.avg_duration_ms)} ms`],
      ]
    : [];
  return (
    <section className="panel" aria-labelledby="totals-title">
      <h2 id="totals-title">Totals</h2>
      <ErrorMessage error={stats.error} />
      <Figures figures={figures} />
      {s ? (
        <p className="hint">
          {s.retention_days > 0
            ? `Timelines and finished jobs' files are kept ${s.retention_days} days; jobs and the audit log for good.`
            : "Everything is kept for good (RETENTION_DAYS=0)."}
        </p>
      ) : null}
    </section>
  );
}
