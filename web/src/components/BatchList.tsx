// A list of batches, each linking to its page with its size, format and how far it is.
import { Link } from "react-router";

import type { Batch } from "../api/batches";
import { formatLabel } from "../lib/history";
import { formatTime } from "../lib/time";

export function BatchList({ batches }: { batches: Batch[] }) {
  if (batches.length === 0) return <p className="hint">No batches yet.</p>;
  return (
    <ul className="batch-list">
      {batches.map((batch) => (
        <li key={batch.batch_id}>
          <Link to={`/batches/${batch.batch_id}`}>
            Batch of {batch.total}, {formatLabel(batch.file_type)}
          </Link>{" "}
          <span className="meta">
            {batch.counts.succeeded} done · {batch.counts.failed} failed · {batch.counts.pending} waiting · {batch.counts.processing} running
            {batch.created_at ? ` · ${formatTime(batch.created_at)}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
