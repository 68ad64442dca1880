// One job followed live: the bar, the status line, what the model has written so far,
// milestones announced to screen readers,
// Cancel while it runs, the server's message and Retry when it failed, and on success the
// file saved once automatically, a Download button, how well it fits its posting and, for a
// PDF, the document inline.
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef, useState } from "react";

import type { Job } from "../api/client";
import { claimAutoDownload, download, stopAwaiting } from "../api/documents";
import { keys, useCancel, useCandidateJobs, useReadiness } from "../api/queries";
import { documentLabel, earlierOf, formatLabel, kindOf, savedName } from "../lib/history";
import { describe, documentNoun, isTerminal, milestone } from "../progress/machine";
import { useJobProgress } from "../progress/useJobProgress";
import { ErrorMessage } from "./ErrorMessage";
import { ChangesSince } from "./ChangesSince";
import { ContentSoFar } from "./ContentSoFar";
import { PdfPreview } from "./PdfPreview";
import { PostingFit } from "./PostingFit";

/** The content editor: its own chunk, loaded once a resume is ready. */
const ContentEditor = lazy(() => import("./ContentEditor"));

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

interface Props {
  /** Whose job it is (their history says what a reused resume came from). */
  candidateId: number;
  jobId: string;
  known: Job | null;
  /** Submits `job`'s request again; `fresh` for a new variant past the cache. */
  onRetry: (job: Job, fresh: boolean) => void;
  retrying: boolean;
  /** Just submitted: move focus (and the view) here. */
  focus: boolean;
  /** Follow this job instead (a render of an edited content). */
  onShow: (job: Job) => void;
}

export function JobProgress({ candidateId, jobId, known, onRetry, retrying, focus, onShow }: Props) {
  const client = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!focus || !heading.current) return;
    heading.current.focus({ preventScroll: true });
    // On a phone the job is below the form: bring it to the top.
    const narrow = window.matchMedia("(max-width: 899px)").matches;
    heading.current.scrollIntoView({ block: narrow ? "start" : "nearest" });
  }, [focus]);
  const { job, mode } = useJobProgress(jobId, known);
  const cancel = useCancel();
  const readiness = useReadiness(job?.status === "PENDING");
  const history = useCandidateJobs(candidateId);
  const jobs = history.data?.pages.flatMap((page) => page.jobs) ?? [];
  const earlier = job ? earlierOf(job, jobs) : null;
  const reusedAt = job?.cache_hit && earlier?.completed_at ? clock.format(new Date(earlier.completed_at)) : null;
  const regenerated = job?.status === "SUCCESS" && earlier && kindOf(job, jobs) === "regenerated" ? earlier : null;
  const [saveError, setSaveError] = useState<unknown>(null);
  const status = job?.status;

  useEffect(() => {
    if (!job || !isTerminal(job)) return;
    void client.invalidateQueries({ queryKey: keys.jobs(job.candidate_id) });
    if (job.status !== "SUCCESS") return stopAwaiting(job.job_id);
    if (claimAutoDownload(job.job_id)) download(client, job).catch(setSaveError);
  }, [client, job, status]);

  const percent = job?.progress ?? 0;
  const running = job != null && !isTerminal(job);
  return (
    <section className={`job-progress status-${(status ?? "pending").toLowerCase()}`} aria-labelledby={`job-${jobId}`}>
      <h2 id={`job-${jobId}`} ref={heading} tabIndex={-1}>
        {job?.filename ? savedName(job) : job?.document === "cover_letter" ? "Your cover letter" : "Your resume"}{" "}
        {job ? <span className="badge">{documentLabel(job)}</span> : null}{" "}
        <span className="badge">{job ? formatLabel(job.file_type) : ""}</span>
      </h2>
      <div className="bar">
        <progress aria-label={job?.document === "cover_letter" ? "Cover letter progress" : "Resume progress"} max={100} value={percent} />
        <span className="percent" aria-hidden="true">
          {percent}%
        </span>
      </div>
      <p className="status-line">
        {describe(job, {
          workers: readiness.data?.workers ?? null,
          pausedQueues: readiness.data?.pausedQueues ?? [],
          reusedAt,
        })}
      </p>
      {job?.cache_hit ? (
        <details className="why">
          <summary>Why so fast?</summary>
          <p>
            The same candidate data, target job and format were made into a {documentNoun(job)} {reusedAt ? `at ${reusedAt}` : "earlier"}
            ; it is reused as it is, without a new model call. Regenerate makes a new one.
          </p>
        </details>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {milestone(job)}
      </p>
      {mode === "polling" && running ? <p className="hint">Live updates unavailable; checking every 2 seconds.</p> : null}
      {running && job.content_so_far ? <ContentSoFar content={job.content_so_far} /> : null}
      {job && regenerated ? <ChangesSince job={job} earlier={regenerated} /> : null}
      <div className="actions">
        {running ? (
          <button type="button" onClick={() => cancel.mutate(jobId)} disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
        {job?.status === "FAILURE" || job?.status === "CANCELLED" ? (
          <button type="button" className="primary" onClick={() => onRetry(job, false)} disabled={retrying}>
            {retrying ? "Submitting…" : "Retry"}
          </button>
        ) : null}
        {job?.status === "SUCCESS" ? (
          <button type="button" className="primary" onClick={() => download(client, job).catch(setSaveError)}>
            Download<span className="visually-hidden"> {savedName(job)}</span>
          </button>
        ) : null}
        {job?.status === "SUCCESS" ? (
          <button type="button" onClick={() => onRetry(job, true)} disabled={retrying}>
            {retrying ? "Submitting…" : "Regenerate"}
          </button>
        ) : null}
      </div>
      <ErrorMessage error={cancel.error} title="Could not cancel" />
      <ErrorMessage error={saveError} title="Could not download" />
      {job?.status === "SUCCESS" && job.document === "resume" && job.job_row_id != null ? <PostingFit job={job} /> : null}
      {job?.status === "SUCCESS" ? (
        <Suspense fallback={<p className="hint">Loading the editor…</p>}>
          <ContentEditor job={job} onRendered={onShow} />
        </Suspense>
      ) : null}
      {job?.status === "SUCCESS" && job.file_type === "pdf" ? <PdfPreview job={job} /> : null}
    </section>
  );
}
