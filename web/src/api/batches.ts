// Openings and batches: one TanStack Query hook per read and per action, a batch followed
// live over its event stream (every item first, then the counts and the items that
// changed), and its ZIP fetched with the token and saved.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, type Schemas, unwrap } from "./client";
import { save } from "./documents";
import { readEvents } from "./events";

export type Opening = Schemas["Opening"];
export type NewOpening = Schemas["NewOpening"];
export type Batch = Schemas["Batch"];
export type BatchItem = Schemas["BatchItem"];
export type BatchCounts = Schemas["BatchCounts"];

export const batchKeys = {
  openings: ["openings"] as const,
  opening: (id: number) => ["openings", id] as const,
  batches: (openingId: number | null) => ["batches", "list", openingId] as const,
  batch: (batchId: string) => ["batches", batchId] as const,
};

const PAGE = 20;

/** The caller's openings, newest first, a page at a time. */
export function useOpenings() {
  return useInfiniteQuery({
    queryKey: batchKeys.openings,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/openings", {
          params: { query: { limit: PAGE, ...(pageParam ? { page_token: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_page_token ?? null,
  });
}

/** Creates an opening (`id` null) or replaces one's fields. */
export function useSaveOpening() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: NewOpening }) =>
      id === null
        ? unwrap(api.POST("/api/openings", { body }))
        : unwrap(api.PUT("/api/openings/{id}", { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: batchKeys.openings }),
  });
}

/** One of the caller's openings. */
export function useOpening(id: number | null) {
  return useQuery({
    queryKey: batchKeys.opening(id ?? 0),
    queryFn: ({ signal }) => unwrap(api.GET("/api/openings/{id}", { params: { path: { id: id ?? 0 } }, signal })),
    enabled: id !== null,
  });
}

/** The caller's batches (of one opening, when given), newest first, a page at a time. */
export function useBatches(openingId: number | null) {
  return useInfiniteQuery({
    queryKey: batchKeys.batches(openingId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/batches", {
          params: {
            query: {
              limit: PAGE,
              ...(openingId === null ? {} : { opening_id: openingId }),
              ...(pageParam ? { page_token: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_page_token ?? null,
    select: (data) => data.pages.flatMap((page) => page.batches),
  });
}

/** Submits one resume per candidate for an opening; the batch is in the cache at once. */
export function useCreateBatch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ openingId, body }: { openingId: number; body: Schemas["NewOpeningBatch"] }) =>
      unwrap(api.POST("/api/openings/{id}/batches", { params: { path: { id: openingId } }, body })),
    onSuccess: (batch) => {
      client.setQueryData(batchKeys.batch(batch.batch_id), batch);
      return client.invalidateQueries({ queryKey: ["batches", "list"] });
    },
  });
}

/** Whether every item of a batch with `counts` has ended. */
export const hasEnded = (counts: BatchCounts) => counts.pending === 0 && counts.processing === 0;

/** `batch` with an event's counts and changed items merged in. */
export function merged(batch: Batch | undefined, update: Batch): Batch {
  if (!batch) return update;
  const changed = new Map(update.items.map((item) => [item.job?.job_id, item]));
  const items = batch.items.map((item) => changed.get(item.job?.job_id) ?? item);
  return { ...batch, total: update.total, counts: update.counts, items };
}

/** One batch with every item, kept live over its event stream until every item has ended,
 * then read once more (the events carry the counts, the answer also what it cost). */
export function useBatch(batchId: string) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: batchKeys.batch(batchId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/batches/{batch_id}", { params: { path: { batch_id: batchId } }, signal })),
  });
  const ended = query.data ? hasEnded(query.data.counts) : true;
  useEffect(() => {
    if (ended) return;
    const abort = new AbortController();
    const stream = api.GET("/api/batches/{batch_id}/events", {
      params: { path: { batch_id: batchId } },
      parseAs: "stream",
      signal: abort.signal,
    });
    readEvents(stream, (name, data) => {
      if (name !== "progress") return;
      const update = data as Batch;
      client.setQueryData(batchKeys.batch(batchId), (batch: Batch | undefined) =>
        update.items.length === update.total ? update : merged(batch, update),
      );
      if (hasEnded(update.counts)) void client.invalidateQueries({ queryKey: batchKeys.batch(batchId) });
    }).catch(() => {
      // The stream broke (a restarting edge): read the batch again, which follows anew.
      if (!abort.signal.aborted) void client.invalidateQueries({ queryKey: batchKeys.batch(batchId) });
    });
    return () => abort.abort();
  }, [batchId, ended, client]);
  return query;
}

/** Cancels the batch's items that have not ended, or runs its failed ones again. */
export function useBatchAction(batchId: string, action: "cancel" | "retry-failed") {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => {
      const params = { params: { path: { batch_id: batchId } } };
      return unwrap(
        action === "cancel"
          ? api.POST("/api/batches/{batch_id}/cancel", params)
          : api.POST("/api/batches/{batch_id}/retry-failed", params),
      );
    },
    onSuccess: (batch) => client.setQueryData(batchKeys.batch(batchId), batch),
  });
}

/** Fetches the batch's ZIP with the token and saves it. */
export function useDownloadBatch(batchId: string) {
  return useMutation({
    mutationFn: async () => {
      const blob = await unwrap(
        api.GET("/api/batches/{batch_id}/download", { params: { path: { batch_id: batchId } }, parseAs: "blob" }),
      );
      save(blob, `batch-${batchId}.zip`);
    },
  });
}
