// One job of any user's: whom and what it is for (the candidate's name, the target job,
// the format, the owner and their other jobs), how long it took, its timeline, and Retry
// or Cancel for admins.
import { Link, useParams } from "react-router";

import { isMissing, messageOf } from "../api/client";
import { CopyButton } from "../components/CopyButton";
import { ErrorMessage } from "../components/ErrorMessage";
import { formatLabel } from "../lib/history";
import { NotFoundPage } from "../pages/NotFoundPage";
import { useLive } from "./live";
import { useOperator } from "../auth/session";
import { useCancelJob, useJobDetail, useRetryJob } from "./queries";
import { StatusText } from "../components/StatusText";
import { Timeline } from "./Timeline";
import { formatInstant } from "../lib/time";

/** What a job was for: its target job in words, a general resume, or a target since removed. */
function targetOf(title: string | null | undefined, company: string | null | undefined, jobRowId: number | null | undefined) {
  if (jobRowId == null) return "A general resume";
  if (!title) return "A removed target job";
  return company ? `${title} at ${company}` : title;
}

/** How long a job ran, from its start to its end ("3.2 s"), if it has both. */
function duration(started: string | null | undefined, completed: string | null | undefined): string {
  if (!started || !completed) return "—";
  const ms = Date.parse(completed) - Date.parse(started);
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function JobDetailPage() {
  const jobId = useParams().jobId ?? "";
  const { live } = useLive();
  const { acts } = useOperator();
  const detail = useJobDetail(jobId, live);
  const retry = useRetryJob();
  const cancel = useCancelJob();
  if (isMissing(detail.error)) return <NotFoundPage what="job" />;
  const job = detail.data?.job;
  const ended = job ? ["SUCCESS", "FAILURE", "CANCELLED"].includes(job.status) : false;
  const retryable = job ? job.status === "FAILURE" || job.status === "CANCELLED" : false;
  const actionError = retry.error ?? cancel.error;
  return (
    <main id="main">
      <p className="crumbs">
        <Link to="/monitor/jobs">Jobs</Link> /
      </p>
      <div className="page-head">
        <h1 className="job-title">
          Job <code>{jobId}</code>
        </h1>
        <CopyButton value={jobId} what="job id" />
      </div>
      <ErrorMessage error={detail.error} />
      {job ? (
        <div className="detail">
          <section className="panel" aria-labelledby="job-title">
            <h2 id="job-title">
              <StatusText status={job.status} /> {job.status === "PROCESSING" ? `${job.progress}%` : null}
            </h2>
            <dl className="facts">
              <dt>Candidate</dt>
              <dd>
                {detail.data?.candidate_name ?? "A deleted candidate"} <span className="hint">(id {job.candidate_id})</span>
              </dd>
              <dt>For</dt>
              <dd>{targetOf(detail.data?.target_title, detail.data?.target_company, job.job_row_id)}</dd>
              <dt>Format</dt>
              <dd>{formatLabel(job.file_type)}</dd>
              <dt>Owner</dt>
              <dd>
                {job.owner} · <Link to={`/monitor/jobs?owner=${encodeURIComponent(job.owner)}`}>their jobs</Link>
              </dd>
              <dt>Took</dt>
              <dd>{duration(job.started_at, job.completed_at)}</dd>
              <dt>Queue</dt>
              <dd>{job.queue}</dd>
              <dt>Last worker</dt>
              <dd>{job.worker ?? "—"}</dd>
              <dt>Attempts</dt>
              <dd>{job.attempts}</dd>
              <dt>Submitted</dt>
              <dd>{formatInstant(job.created_at)}</dd>
              <dt>Finished</dt>
              <dd>{formatInstant(job.completed_at)}</dd>
              <dt>Tokens</dt>
              <dd>
                {job.prompt_tokens} in, {job.completion_tokens} out
              </dd>
              {job.edited_from ? (
                <>
                  <dt>Renders an edit of</dt>
                  <dd>
                    <Link to={`/monitor/jobs/${job.edited_from}`}>{job.edited_from}</Link>
                  </dd>
                </>
              ) : null}
            </dl>
            {job.error_message ? <p className="status-line error-text">{job.error_message}</p> : null}
            {acts ? (
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  disabled={!retryable || retry.isPending}
                  onClick={() => retry.mutate(job.job_id)}
                >
                  Retry
                </button>
                <button
                  type="button"
                  className="danger-text"
                  disabled={ended || cancel.isPending}
                  onClick={() => cancel.mutate(job.job_id)}
                >
                  Cancel
                </button>
              </div>
            ) : null}
            {actionError ? (
              <div className="alert" role="alert">
                {messageOf(actionError)}
              </div>
            ) : null}
          </section>
          <section className="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <Timeline events={detail.data?.events ?? []} />
          </section>
        </div>
      ) : null}
    </main>
  );
}
