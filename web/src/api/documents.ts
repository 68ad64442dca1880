// A finished job's file: fetched once as a blob (with the token, so not a plain link),
// saved through an anchor with `download` (no pop-up for a blocker to eat), shown inline
// when it is a PDF. Which jobs this tab is waiting for is kept in sessionStorage, so a job
// is saved automatically exactly once, also across a reload.
import { useQuery, type QueryClient } from "@tanstack/react-query";

import { savedName } from "../lib/history";
import { api, type Job, unwrap } from "./client";

const AWAITING = "resume.awaiting";

const documentKey = (jobId: string) => ["document", jobId] as const;

function fetchDocument(jobId: string, signal?: AbortSignal): Promise<Blob> {
  return unwrap(
    api.GET("/api/resume-async/download/{job_id}", { params: { path: { job_id: jobId } }, parseAs: "blob", signal }),
  );
}

/** The file of a SUCCESS job (cached: the bytes of a job never change). */
export function useDocument(jobId: string, enabled: boolean) {
  return useQuery({
    queryKey: documentKey(jobId),
    queryFn: ({ signal }) => fetchDocument(jobId, signal),
    enabled,
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });
}

/** Saves `blob` as `filename` through a temporary anchor. */
export function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = filename;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads a SUCCESS job's file now. */
export async function download(client: QueryClient, job: Job) {
  const blob = await client.fetchQuery({
    queryKey: documentKey(job.job_id),
    queryFn: ({ signal }) => fetchDocument(job.job_id, signal),
    staleTime: Infinity,
  });
  save(blob, savedName(job));
}

function awaiting(): string[] {
  try {
    const list: unknown = JSON.parse(sessionStorage.getItem(AWAITING) ?? "[]");
    return Array.isArray(list) ? list.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/** This tab asked for `jobId`: save its file automatically when it succeeds. */
export function awaitDocument(jobId: string) {
  const list = awaiting();
  if (!list.includes(jobId)) sessionStorage.setItem(AWAITING, JSON.stringify([...list.slice(-49), jobId]));
}

/** True once for a job this tab awaited (and no longer awaits). */
export function claimAutoDownload(jobId: string): boolean {
  const list = awaiting();
  if (!list.includes(jobId)) return false;
  sessionStorage.setItem(AWAITING, JSON.stringify(list.filter((id) => id !== jobId)));
  return true;
}

/** Forgets a job this tab awaited (it failed or was cancelled). */
export function stopAwaiting(jobId: string) {
  claimAutoDownload(jobId);
}
