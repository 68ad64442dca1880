// Every user's most recent batches: whose, how far each is, what it was estimated at and
// what it cost.
import { ErrorMessage } from "../components/ErrorMessage";
import { formatInstant } from "../lib/time";
import { usd } from "../lib/money";
import { useLive } from "./live";
import { useRecentBatches } from "./queries";

export function RecentBatches() {
  const { live } = useLive();
  const batches = useRecentBatches(live);
  return (
    <section className="panel" aria-labelledby="batches-title">
      <h2 id="batches-title">Recent batches</h2>
      <ErrorMessage error={batches.error} />
      <div className="table-wrap">
        <table className="history stack">
          <thead>
            <tr>
              <th scope="col">Submitted</th>
              <th scope="col">Owner</th>
              <th scope="col">Items</th>
              <th scope="col">Done</th>
              <th scope="col">Failed</th>
              <th scope="col">Running</th>
              <th scope="col">Estimated</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {(batches.data ?? []).map(({ owner, batch }) =>
              batch ? (
                <tr key={batch.batch_id} data-batch={batch.batch_id}>
                  <th scope="row">{formatInstant(batch.created_at)}</th>
                  <td data-label="Owner">{owner}</td>
                  <td className="num" data-label="Items">{batch.total}</td>
                  <td className="num" data-label="Done">{batch.counts.succeeded}</td>
                  <td className="num" data-label="Failed">{batch.counts.failed}</td>
                  <td className="num" data-label="Running">{batch.counts.pending + batch.counts.processing}</td>
                  <td className="num" data-label="Estimated">{usd(batch.estimated_cost_usd)}</td>
                  <td className="num" data-label="Cost">{usd(batch.cost_usd)}</td>
                </tr>
              ) : null,
            )}
          </tbody>
        </table>
      </div>
      {batches.data?.length === 0 ? <p className="hint">No batch yet.</p> : null}
    </section>
  );
}
