// The progress of one job as the page follows it: live over the event stream, polled every
// 2 s once the stream fails or ends early, done at a terminal status. Pure, so that every
// path (stream → polling fallback → terminal, a reload that finds the job again) is tested
// without a browser.
import type { Job } from "../api/client";

export type Mode = "live" | "polling" | "done";

export interface Progress {
  jobId: string;
  job: Job | null;
  mode: Mode;
}

export type ProgressEvent =
  /** A state of the job, from the stream, a poll, or the answer that created it. */
  | { type: "job"; job: Job }
  /** The stream failed or ended before a terminal status. */
  | { type: "stream-lost" };

export const POLL_MS = 2000;

const TERMINAL = new Set(["SUCCESS", "FAILURE", "CANCELLED"]);

export function isTerminal(job: Pick<Job, "status"> | null | undefined): boolean {
  return job != null && TERMINAL.has(job.status);
}

/** Following `jobId`, knowing `job` when the page already has it (e.g. after a reload). */
export function start(jobId: string, job: Job | null = null): Progress {
  const known = job?.job_id === jobId ? job : null;
  return { jobId, job: known, mode: isTerminal(known) ? "done" : "live" };
}

export function reduce(state: Progress, event: ProgressEvent): Progress {
  switch (event.type) {
    case "job": {
      const next = event.job;
      if (next.job_id !== state.jobId || isTerminal(state.job)) return state;
      // Answers can cross (a poll and the stream): never show progress going backwards.
      const progress = Math.max(next.progress, state.job?.progress ?? 0);
      const job = progress === next.progress ? next : { ...next, progress };
      return { ...state, job, mode: isTerminal(job) ? "done" : state.mode };
    }
    case "stream-lost":
      return state.mode === "done" ? state : { ...state, mode: "polling" };
  }
}

/** A milestone worth announcing to a screen reader (not every percent). */
export function milestone(job: Job | null): string {
  if (!job) return "Connecting…";
  switch (job.status) {
    case "PENDING":
      return "Queued";
    case "PROCESSING":
      if (job.progress < 30) return "Started";
      if (job.progress < 70) return "Writing the tailored content";
      if (job.progress < 90) return "Rendering the document";
      return "Finishing";
    case "SUCCESS":
      return "Your resume is ready";
    case "FAILURE":
      return "Generation failed";
    case "CANCELLED":
      return "Cancelled";
  }
}

/** The status line under the bar; `workers` is how many are live, when known. */
export function describe(job: Job | null, workers: number | null): string {
  if (!job) return "Connecting…";
  const attempt = job.attempts > 1 ? ` (attempt ${job.attempts})` : "";
  switch (job.status) {
    case "PENDING":
      if (job.attempts > 0) return `Waiting to try again${attempt}…`;
      return workers === 0
        ? "Queued: no worker is online right now; it starts as soon as one is."
        : "Queued: waiting for a worker…";
    case "PROCESSING":
      return `${milestone(job)}…${attempt}`;
    case "SUCCESS":
      return job.cache_hit ? "Ready (the same request was made recently: no new model call)." : "Ready.";
    case "FAILURE":
      return job.error_message ?? "The resume could not be generated.";
    case "CANCELLED":
      return "Cancelled.";
  }
}
