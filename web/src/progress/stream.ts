// The job-events stream (Server-Sent Events over fetch, since EventSource cannot send the
// Authorization header), parsed by eventsource-parser.
import { EventSourceParserStream } from "eventsource-parser/stream";

import { api, type Job, networkError, toApiError } from "../api/client";

/**
 * Calls `onJob` with each state the stream sends until it ends (resolves) or fails
 * (rejects with an ApiError); `signal` stops it.
 */
export async function watchJob(jobId: string, onJob: (job: Job) => void, signal: AbortSignal): Promise<void> {
  let result;
  try {
    result = await api.GET("/api/resume-async/job-events/{job_id}", {
      params: { path: { job_id: jobId } },
      headers: { Accept: "text/event-stream" },
      parseAs: "stream",
      signal,
    });
  } catch (cause) {
    throw networkError(cause);
  }
  const { response, data } = result;
  if (!response.ok || !data) throw toApiError(response, result.error ?? null);
  const reader = data
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (value.event === "progress") onJob(JSON.parse(value.data) as Job);
    else if (value.event === "error") throw toApiError(new Response(null, { status: 500 }), JSON.parse(value.data));
  }
}
