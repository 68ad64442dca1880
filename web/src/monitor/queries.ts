// The console's server state: one TanStack Query hook per admin read and per action, each
// action refreshing what it changed. While live updates are on, the event stream
// (useAdminEvents) keeps the reads current and they are also polled every 5 s, in case
// the stream drops.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../api/client";
import type { paths } from "../api/schema";

export type AdminJob = Schemas["AdminJob"];
export type JobsQuery = NonNullable<paths["/api/admin/jobs"]["get"]["parameters"]["query"]>;
/** A job search: the search route's query without its paging (also a bulk action's filter). */
export type JobFilter = Omit<JobsQuery, "limit" | "page_token">;
export type JobStatus = Schemas["JobStatus"];
export type QueueName = NonNullable<JobsQuery["queue"]>;

export const adminKeys = {
  all: ["admin"] as const,
  queues: ["admin", "queues"] as const,
  workers: ["admin", "workers"] as const,
  stats: ["admin", "stats"] as const,
  /** Every job search (the prefix of each one's key). */
  searches: ["admin", "jobs"] as const,
  jobs: (filter: JobFilter) => ["admin", "jobs", filter] as const,
  /** Every job's detail (the prefix of each one's key). */
  details: ["admin", "job"] as const,
  job: (id: string) => ["admin", "job", id] as const,
  errors: (since: string) => ["admin", "errors", since] as const,
  audit: ["admin", "audit"] as const,
  history: (window: string) => ["admin", "history", window] as const,
  spending: (window: string) => ["admin", "spending", window] as const,
  batches: ["admin", "batches"] as const,
};

/** How often a read is polled: every 5 s while live, never while paused. */
export const every = (live: boolean) => (live ? 5000 : false);

export function useQueues(live: boolean) {
  return useQuery({
    queryKey: adminKeys.queues,
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/queues", { signal })),
    select: (list) => list.queues,
    refetchInterval: every(live),
  });
}

export function useWorkerList(live: boolean) {
  return useQuery({
    queryKey: adminKeys.workers,
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/workers", { signal })),
    select: (list) => list.workers,
    refetchInterval: every(live),
  });
}

export function useStats(live: boolean) {
  return useQuery({
    queryKey: adminKeys.stats,
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/stats", { signal })),
    refetchInterval: every(live),
  });
}

export type Window = NonNullable<NonNullable<paths["/api/admin/history"]["get"]["parameters"]["query"]>["window"]>;

/** The window's buckets, polled while live (each read scans the window). */
export function useHistory(window: Window, live: boolean) {
  return useQuery({
    queryKey: adminKeys.history(window),
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/history", { params: { query: { window } }, signal })),
    refetchInterval: every(live),
    placeholderData: keepPreviousData,
  });
}

/** What each owner's jobs cost over the window, top spenders first, and each day. */
export function useSpending(window: Window, live: boolean) {
  return useQuery({
    queryKey: adminKeys.spending(window),
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/spending", { params: { query: { window } }, signal })),
    refetchInterval: every(live),
    placeholderData: keepPreviousData,
  });
}

/** Every user's most recent batches with their counts and costs. */
export function useRecentBatches(live: boolean) {
  return useQuery({
    queryKey: adminKeys.batches,
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/batches", { signal })),
    select: (list) => list.batches,
    refetchInterval: every(live),
  });
}

const PAGE = 50;

/** Every user's jobs that `filter` matches, newest first, a page at a time. */
export function useJobSearch(filter: JobFilter, live: boolean) {
  return useInfiniteQuery({
    queryKey: adminKeys.jobs(filter),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const query: JobsQuery = { ...filter, limit: PAGE, ...(pageParam ? { page_token: pageParam } : {}) };
      return unwrap(api.GET("/api/admin/jobs", { params: { query }, signal }));
    },
    getNextPageParam: (page) => page.next_page_token ?? null,
    placeholderData: keepPreviousData,
    refetchInterval: every(live),
  });
}

export function useJobDetail(jobId: string, live: boolean) {
  return useQuery({
    queryKey: adminKeys.job(jobId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/admin/jobs/{job_id}", { params: { path: { job_id: jobId } }, signal })),
    refetchInterval: every(live),
  });
}

/** The error groups of the window since `since` (an RFC 3339 time). */
export function useErrorGroups(since: string, live: boolean) {
  return useQuery({
    queryKey: adminKeys.errors(since),
    queryFn: ({ signal }) => unwrap(api.GET("/api/admin/errors", { params: { query: { since } }, signal })),
    placeholderData: keepPreviousData,
    select: (list) => list.groups,
    refetchInterval: every(live),
  });
}

export function useAuditLog(live: boolean) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/admin/audit", {
          params: { query: { limit: PAGE, ...(pageParam ? { page_token: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_page_token ?? null,
    refetchInterval: every(live),
  });
}

/** An action's mutation that refreshes every console read once it is done. */
function useAdminAction<T, R>(action: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSettled: () => client.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

/** Gives `owner` a monthly budget of their own (0: none), or with `null` the default again. */
export const useSetBudget = () =>
  useAdminAction(({ owner, amount }: { owner: string; amount: number | null }) =>
    unwrap(
      api.PUT("/api/admin/users/{owner}/budget", {
        params: { path: { owner } },
        body: { monthly_budget_usd: amount },
      }),
    ),
  );

export const useRetryJob = () =>
  useAdminAction((jobId: string) =>
    unwrap(api.POST("/api/admin/jobs/{job_id}/retry", { params: { path: { job_id: jobId } } })),
  );

export const useCancelJob = () =>
  useAdminAction((jobId: string) =>
    unwrap(api.POST("/api/admin/jobs/{job_id}/cancel", { params: { path: { job_id: jobId } } })),
  );

export type BulkAction = Schemas["BulkAction"];

/** Counts what a bulk action would change, without changing anything. */
export function countBulk(action: BulkAction, filter: JobFilter) {
  return unwrap(api.POST("/api/admin/jobs/bulk", { body: { action, filter, dry_run: true } }));
}

export const useBulk = () =>
  useAdminAction(({ action, filter }: { action: BulkAction; filter: JobFilter }) =>
    unwrap(api.POST("/api/admin/jobs/bulk", { body: { action, filter } })),
  );

export const usePauseQueue = () =>
  useAdminAction(({ name, pause }: { name: string; pause: boolean }) =>
    pause
      ? unwrap(api.POST("/api/admin/queues/{name}/pause", { params: { path: { name } } }))
      : unwrap(api.POST("/api/admin/queues/{name}/resume", { params: { path: { name } } })),
  );
