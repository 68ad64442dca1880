// The job-events stream of one job.
import { api, type Job } from "../api/client";
import { readEvents } from "../api/events";

/**
 * Calls `onJob` with each state the stream sends until it ends (resolves) or fails
 * (rejects with an ApiError); `signal` stops it.
 */
export function watchJob(jobId: string, onJob: (job: Job) => void, signal: AbortSignal): Promise<void> {
  const call = api.GET("/api/resume-async/job-events/{job_id}", {
    params: { path: { job_id: jobId } },
    headers: { Accept: "text/event-stream" },
    parseAs: "stream",
    signal,
  });
  return readEvents(call, (name, data) => {
    if (name === "progress") onJob(data as Job);
  });
}
