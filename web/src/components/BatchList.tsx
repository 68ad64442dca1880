// A list of batches, each linking to its page with how far it is.
import { Link } from "react-router";

import type { Batch } from "../api/batches";
import { formatTime } from "../lib/time";

export function BatchList({ batches }: { batches: Batch[] }) {
  if (batches.length === 0) return <p className="hint">No batches yet.</p>;
  return (
    <ul className="batch-list">
      {batches.map((batch) => (
        <li key={batch.batch_id}>
          <Link to={`/batches/${batch.batch_id}`}>Batch of {batch.total}</Link>{" "}
          <span className="meta">
            {batch.counts.succeeded} done · {batch.counts.failed} failed · {batch.counts.pending + batch.counts.processing} running
            {batch.created_at ? ` · ${formatTime(batch.created_at)}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
