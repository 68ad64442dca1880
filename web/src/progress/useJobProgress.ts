// Follows a job: the event stream while it works, polling job-status every 2 s when it
// fails, nothing once the job has ended. Every state seen is also put in the query cache,
// so the history and other views show it without asking again.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer } from "react";

import type { Job } from "../api/client";
import { fetchJob, keys } from "../api/queries";
import { POLL_MS, type Progress, reduce, start } from "./machine";
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

  const polled = useQuery({
    queryKey: keys.job(jobId),
    queryFn: ({ signal }) => fetchJob(jobId, signal),
    enabled: state.mode === "polling",
    refetchInterval: state.mode === "polling" ? POLL_MS : false,
    retry: true,
  });
  useEffect(() => {
    if (polled.data) dispatch({ type: "job", job: polled.data });
  }, [polled.data]);

  return state;
}
