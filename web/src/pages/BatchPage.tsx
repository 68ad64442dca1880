// One batch, live: its opening, its totals, a bar per candidate with the item's status,
// its fit to the posting once done and a link to the candidate, in the order submitted or
// best fit first; what can be done with it (download every file as one ZIP, run the failed
// again, cancel what has not ended); what it was estimated to cost and what it cost.
import { useState } from "react";
import { Link, useParams } from "react-router";

import { type BatchItem, hasEnded, useBatch, useBatchAction, useDownloadBatch, useOpening } from "../api/batches";
import { isMissing } from "../api/client";
import { useReadiness } from "../api/queries";
import { ErrorMessage } from "../components/ErrorMessage";
import { StatusText, statusLabel } from "../components/StatusText";
import { type ItemOrder, ordered } from "../lib/batchItems";
import { usd } from "../lib/money";
import { queueOf } from "../progress/machine";
import { NotFoundPage } from "./NotFoundPage";

function ItemRow({ item }: { item: BatchItem }) {
  const job = item.job;
  const status = job?.status ?? "PENDING";
  return (
    <li className={`batch-item status-${status.toLowerCase()}`}>
      <Link to={`/candidates/${item.candidate_id}`}>{item.candidate_name}</Link>
      <progress max={100} value={job?.progress ?? 0} aria-label={`${item.candidate_name}: ${statusLabel(status)}`} />
      <StatusText status={status} />
      <span className="batch-fit">{item.fit == null ? null : `Fit ${item.fit}%`}</span>
      {job?.error_message ? <span className="error-text">{job.error_message}</span> : null}
    </li>
  );
}

export function BatchPage() {
  const batchId = useParams().batchId ?? "";
  const batch = useBatch(batchId);
  const cancel = useBatchAction(batchId, "cancel");
  const retry = useBatchAction(batchId, "retry-failed");
  const download = useDownloadBatch(batchId);
  const data = batch.data;
  const opening = useOpening(data?.opening_id ?? null).data;
  const [order, setOrder] = useState<ItemOrder>("submitted");
  const readiness = useReadiness(data != null && data.counts.pending > 0);
  const pausedQueues = readiness.data?.pausedQueues ?? [];
  const paused = (data?.items ?? []).some((item) => item.job?.status === "PENDING" && pausedQueues.includes(queueOf(item.job)));
  if (isMissing(batch.error)) return <NotFoundPage what="batch" />;
  return (
    <main id="main">
      <div className="page-head">
        <h1>{opening ? `Batch for ${opening.title} at ${opening.company}` : "Batch"}</h1>
        {data?.opening_id ? <Link to="/openings">Openings</Link> : null}
      </div>
      <ErrorMessage error={batch.error ?? cancel.error ?? retry.error ?? download.error} />
      {batch.isPending ? <p className="hint">Loading…</p> : null}
      {data ? (
        <>
          <p className="batch-totals" role="status">
            {data.counts.succeeded} of {data.total} done · {data.counts.failed} failed · {data.counts.cancelled} cancelled ·{" "}
            {data.counts.pending} waiting · {data.counts.processing} running
          </p>
          {paused ? (
            <p className="warn" role="status">
              An operator has paused the queue: the waiting items start when they resume it.
            </p>
          ) : null}
          <p className="batch-cost">
            Estimated {usd(data.estimated_cost_usd)} · {hasEnded(data.counts) ? "cost" : "cost so far"} {usd(data.cost_usd)}
          </p>
          <div className="head-actions">
            <button type="button" className="primary" disabled={download.isPending || data.counts.succeeded === 0} onClick={() => download.mutate()}>
              Download all (ZIP)
            </button>
            <button type="button" disabled={retry.isPending || data.counts.failed === 0} onClick={() => retry.mutate()}>
              Retry failed
            </button>
            <button type="button" disabled={cancel.isPending || hasEnded(data.counts)} onClick={() => cancel.mutate()}>
              Cancel
            </button>
          </div>
          <label className="batch-order">
            Order{" "}
            <select value={order} onChange={(event) => setOrder(event.target.value as ItemOrder)}>
              <option value="submitted">As submitted</option>
              <option value="fit">Best fit first</option>
            </select>
          </label>
          <ul className="batch-items">
            {ordered(data.items, order).map((item) => (
              <ItemRow key={item.job?.job_id ?? item.candidate_id} item={item} />
            ))}
          </ul>
        </>
      ) : null}
    </main>
  );
}
