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
  | { type: "stream-lost" }
  /** A state read after the job had failed or been cancelled (an operator may retry it). */
  | { type: "checked-again"; job: Job };

export const POLL_MS = 2000;
/** How often a failed or cancelled job is read again, in case an operator retried it. */
export const RECHECK_MS = 5000;

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
      // The content written so far comes only with the update after it changed: the last is
      // kept while the job runs.
      const soFar = next.content_so_far ?? (isTerminal(next) ? null : (state.job?.content_so_far ?? null));
      const job = { ...next, progress, content_so_far: soFar };
      return { ...state, job, mode: isTerminal(job) ? "done" : state.mode };
    }
    case "stream-lost":
      return state.mode === "done" ? state : { ...state, mode: "polling" };
    case "checked-again": {
      // Asked after the job had ended, so not an answer that crossed an older one: any
      // change means an operator retried it (from progress 0); it is followed again, or
      // shown as it ended this time.
      const next = event.job;
      const same = next.status === state.job?.status && next.completed_at === state.job.completed_at;
      if (next.job_id !== state.jobId || !mayRunAgain(state.job) || same) return state;
      return { ...state, job: next, mode: isTerminal(next) ? "done" : "live" };
    }
  }
}

/** Ended in a way an operator can undo (retry). */
export function mayRunAgain(job: Job | null): boolean {
  return job?.status === "FAILURE" || job?.status === "CANCELLED";
}

/** What the job makes, in words: "resume" or "cover letter". */
export function documentNoun(job: Pick<Job, "document">): string {
  return job.document === "cover_letter" ? "cover letter" : "resume";
}

/** A milestone worth announcing to a screen reader (not every percent). */
export function milestone(job: Job | null): string {
  if (!job) return "Connecting…";
  switch (job.status) {
    case "PENDING":
      return "Queued";
    case "PROCESSING":
      // Claimed at 10; the content is written up to 85, rendered at 90.
      if (job.progress <= 10) return "Started";
      if (job.progress < 85) return "Writing the tailored content";
      if (job.progress < 90) return "Rendering the document";
      return "Finishing";
    case "SUCCESS":
      return `Your ${documentNoun(job)} is ready`;
    case "FAILURE":
      return "Generation failed";
    case "CANCELLED":
      return "Cancelled";
  }
}

/** The queue a job's tasks wait in. */
export function queueOf(job: Pick<Job, "priority">): string {
  return job.priority === "high" ? "priority_high" : "resume_generation";
}

/** What the status line also depends on, when known. */
export interface Context {
  /** Live workers. */
  workers: number | null;
  /** The queues an operator paused. */
  pausedQueues: string[];
  /** When the resume a cache hit reused was made ("5:47 PM"). */
  reusedAt?: string | null;
}

/** The status line under the bar. */
export function describe(job: Job | null, waiting: Context): string {
  if (!job) return "Connecting…";
  const attempt = job.attempts > 1 ? ` (attempt ${job.attempts})` : "";
  switch (job.status) {
    case "PENDING":
      if (waiting.pausedQueues.includes(queueOf(job))) {
        return "Queued: an operator has paused this queue; it starts when they resume it.";
      }
      if (job.attempts > 0) return `Waiting to try again${attempt}…`;
      return waiting.workers === 0
        ? "Queued: no worker is online right now; it starts as soon as one is."
        : "Queued: waiting for a worker…";
    case "PROCESSING":
      // What the worker says it is writing, while the live stream carries it.
      return `${job.status_text ?? milestone(job)}…${attempt}`;
    case "SUCCESS":
      if (!job.cache_hit) return "Ready.";
      return waiting.reusedAt
        ? `Ready instantly: reused the ${documentNoun(job)} made at ${waiting.reusedAt}.`
        : `Ready instantly: reused a ${documentNoun(job)} made earlier from the same data.`;
    case "FAILURE":
      return job.error_message ?? `The ${documentNoun(job)} could not be generated.`;
    case "CANCELLED":
      return "Cancelled.";
  }
}
