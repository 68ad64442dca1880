// The dashboard's history: throughput, failure rate and p95 times over the last hour, day
// or week, and what the cache saved, all from the database's buckets.
import { useState } from "react";

import { useReadiness } from "../api/queries";
import { ErrorMessage } from "../components/ErrorMessage";
import { Chart } from "./Chart";
import { useLive } from "./live";
import { useHistory, type Window } from "./queries";
import { summarise } from "./summary";
import { WindowChooser, type WindowOption } from "./WindowChooser";

const WINDOWS: WindowOption<Window>[] = [
  { value: "1h", label: "1 hour" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
];

const money = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", maximumFractionDigits: 4 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

export function HistoryPanel() {
  const [span, setSpan] = useState<Window>("1h");
  const { live } = useLive();
  const history = useHistory(span, live);
  const s = history.data ? summarise(history.data) : null;
  const offline = useReadiness(false).data?.modelConfigured === false;
  return (
    <section className="panel" aria-labelledby="history-title">
      <div className="panel-head">
        <h2 id="history-title">History</h2>
        <WindowChooser legend="History window" options={WINDOWS} value={span} onChange={setSpan} />
      </div>
      <ErrorMessage error={history.error} />
      {s ? (
        <>
          <dl className="figures">
            <div>
              <dt>Finished</dt>
              <dd>{s.finished}</dd>
            </div>
            <div>
              <dt>Failure rate</dt>
              <dd>{s.finished ? percent.format(s.failureRate) : "—"}</dd>
            </div>
            <div>
              <dt>Cache hit ratio</dt>
              <dd>{s.succeeded ? percent.format(s.cacheHitRatio) : "—"}</dd>
            </div>
            {offline ? null : (
              <>
                <div>
                  <dt>Model cost</dt>
                  <dd>{money.format(s.cost)}</dd>
                </div>
                <div>
                  <dt>Saved by the cache</dt>
                  <dd>{money.format(s.saved)}</dd>
                </div>
              </>
            )}
          </dl>
          {offline ? (
            <p className="hint">No model is configured: the offline generator makes every resume, at no cost.</p>
          ) : (
            <p className="hint">
              Saved: {s.cacheHits} cache {s.cacheHits === 1 ? "hit" : "hits"} × {money.format(s.costPerGenerated)}, what
              a resume made by the model cost on average in this window.
            </p>
          )}
          <div className="charts">
            <Chart
              title="Jobs finished per bucket"
              times={s.times}
              series={[
                { label: "succeeded", color: "#166534", values: s.succeededSeries },
                { label: "failed", color: "#b91c1c", values: s.failedSeries },
              ]}
              summary={`${s.succeeded} succeeded and ${s.failed} failed`}
            />
            <Chart
              title="Failure rate (%)"
              times={s.times}
              series={[{ label: "failed", color: "#b91c1c", values: s.failureSeries }]}
              summary={s.finished ? `${percent.format(s.failureRate)} of finished jobs failed` : "no job finished"}
            />
            <Chart
              title="p95 times (ms)"
              times={s.times}
              series={[
                { label: "run p95", color: "#1d4ed8", values: s.runP95Series },
                { label: "wait p95", color: "#92400e", values: s.waitP95Series },
              ]}
              summary={s.worstRunP95 === null ? "no job ran" : `the worst bucket's p95 run time was ${Math.round(s.worstRunP95)} ms`}
            />
          </div>
        </>
      ) : null}
    </section>
  );
}
