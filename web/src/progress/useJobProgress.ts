// Follows a job: the event stream while it works, polling job-status every 2 s when it
// fails, and once the job has failed or been cancelled a read every 5 s (an operator may
// retry it; it is then followed again); nothing once it succeeded. Every state seen is also put in the query cache,
// so the history and other views show it without asking again.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer } from "react";

import type { Job } from "../api/client";
import { fetchJob, keys } from "../api/queries";
import { mayRunAgain, POLL_MS, type Progress, RECHECK_MS, reduce, start } from "./machine";
import { watchJob } from "./stream";

export function useJobProgress(jobId: string, known: Job | null): Progress {
  const client = useQueryClient();
  const [state, dispatch] = useReducer(reduce, start(jobId, known ?? client.getQueryData(keys.job(jobId)) ?? null));
  const live = state.mode === "live";

  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    watchJob(
      jobId,
      (job) => {
        client.setQueryData(keys.job(jobId), job);
        dispatch({ type: "job", job });
      },
      controller.signal,
    ).then(
      () => dispatch({ type: "stream-lost" }),
      () => {
        if (!controller.signal.aborted) dispatch({ type: "stream-lost" });
      },
    );
    return () => controller.abort();
  }, [client, jobId, live]);

  // Polled every 2 s while the stream is lost; every 5 s (while the tab shows) once the job
  // failed or was cancelled, in case an operator retries it.
  const recheck = state.mode === "done" && mayRunAgain(state.job);
  const polled = useQuery({
    queryKey: keys.job(jobId),
    queryFn: ({ signal }) => fetchJob(jobId, signal),
    enabled: state.mode === "polling" || recheck,
    refetchInterval: state.mode === "polling" ? POLL_MS : recheck ? RECHECK_MS : false,
    retry: true,
  });
  const ended = state.mode === "done";
  useEffect(() => {
    if (polled.data) dispatch({ type: ended ? "checked-again" : "job", job: polled.data });
  }, [polled.data, ended]);

  return state;
}
