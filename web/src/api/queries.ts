// Server state: one TanStack Query hook per read and per action, with the query keys they
// share, so that an action refreshes exactly what it changed.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { OidcConfig } from "../auth/issuer";
import { api, type Candidate, type DocumentKind, type Schemas, type FileType, type Job, type Priority, unwrap } from "./client";

export const keys = {
  candidates: ["candidates"] as const,
  candidate: (id: number) => ["candidates", id] as const,
  targets: (id: number) => ["candidates", id, "targets"] as const,
  jobs: (candidateId: number) => ["jobs", "candidate", candidateId] as const,
  job: (jobId: string) => ["job", jobId] as const,
  readiness: ["readiness"] as const,
  authConfig: ["auth-config"] as const,
};

const PAGE = 20;

/** The caller's candidates, newest first, a page at a time. */
export function useCandidates() {
  return useInfiniteQuery({
    queryKey: keys.candidates,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/candidates", {
          params: { query: { limit: PAGE, ...(pageParam ? { page_token: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_page_token ?? null,
  });
}

/** When each candidate last had a resume made: their newest among the caller's latest 100 jobs. */
export function useNewestJobs() {
  return useQuery({
    queryKey: ["jobs", "newest"] as const,
    queryFn: ({ signal }) => unwrap(api.GET("/api/resume-async/my-jobs", { params: { query: { limit: 100 } }, signal })),
    select: (list) => {
      const newest = new Map<number, string>();
      // Newest first: the first job seen of each candidate is their newest.
      for (const job of list.jobs) if (job.created_at && !newest.has(job.candidate_id)) newest.set(job.candidate_id, job.created_at);
      return newest;
    },
  });
}

export function useCandidate(id: number) {
  return useQuery({
    queryKey: keys.candidate(id),
    queryFn: ({ signal }) => unwrap(api.GET("/api/candidates/{id}", { params: { path: { id } }, signal })),
  });
}

export function useSaveCandidate(id: number | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Candidate) =>
      id === null
        ? unwrap(api.POST("/api/candidates", { body }))
        : unwrap(api.PUT("/api/candidates/{id}", { params: { path: { id } }, body })),
    onSuccess: (saved) => {
      if (saved.id != null) client.setQueryData(keys.candidate(saved.id), saved);
      return client.invalidateQueries({ queryKey: keys.candidates, exact: true });
    },
  });
}

export function useDeleteCandidate(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/candidates/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      client.removeQueries({ queryKey: keys.candidate(id) });
      client.removeQueries({ queryKey: keys.jobs(id) });
      return client.invalidateQueries({ queryKey: keys.candidates, exact: true });
    },
  });
}

export function useTargets(candidateId: number) {
  return useQuery({
    queryKey: keys.targets(candidateId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/candidates/{id}/jobs", { params: { path: { id: candidateId } }, signal })),
    select: (list) => list.jobs,
  });
}

export interface NewTarget {
  title: string;
  company: string | null;
  description: string;
}

/** Adds a target job; it is in the list at once (so that it can be chosen), then read again. */
export function useAddTarget(candidateId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewTarget) =>
      unwrap(api.POST("/api/candidates/{id}/jobs", { params: { path: { id: candidateId } }, body })),
    onSuccess: (added) => {
      client.setQueryData(keys.targets(candidateId), (list: Schemas["CandidateJobList"] | undefined) =>
        list ? { ...list, jobs: [...list.jobs, added] } : list,
      );
      return client.invalidateQueries({ queryKey: keys.targets(candidateId) });
    },
  });
}

/** Replaces a target job's text; the list shows it at once, then is read again. */
export function useUpdateTarget(candidateId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: NewTarget }) =>
      unwrap(
        api.PUT("/api/candidates/{id}/jobs/{job_row_id}", {
          params: { path: { id: candidateId, job_row_id: id } },
          body,
        }),
      ),
    onSuccess: (saved) => {
      client.setQueryData(keys.targets(candidateId), (list: Schemas["CandidateJobList"] | undefined) =>
        list ? { ...list, jobs: list.jobs.map((job) => (job.id === saved.id ? saved : job)) } : list,
      );
      return client.invalidateQueries({ queryKey: keys.targets(candidateId) });
    },
  });
}

export function useDeleteTarget(candidateId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (jobRowId: number) =>
      unwrap(
        api.DELETE("/api/candidates/{id}/jobs/{job_row_id}", {
          params: { path: { id: candidateId, job_row_id: jobRowId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.targets(candidateId) }),
  });
}

export interface GenerateRequest {
  candidate_id: number;
  job_row_id: number | null;
  file_type: FileType;
  priority: Priority;
  /** A new variant, past every cache. */
  fresh?: boolean;
  /** A resume (the default) or a cover letter. */
  document?: DocumentKind;
  /** No name, contact line or links in the file: "Candidate <initials>" instead. */
  anonymize?: boolean;
}

/** Submits a generation; the job it answers is put in the cache at once. */
export function useGenerate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: GenerateRequest) => unwrap(api.POST("/api/resume-async/generate-async", { body })),
    onSuccess: (job) => {
      client.setQueryData(keys.job(job.job_id), job);
      return client.invalidateQueries({ queryKey: keys.jobs(job.candidate_id) });
    },
  });
}

export function useCancel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) =>
      unwrap(api.POST("/api/resume-async/cancel/{job_id}", { params: { path: { job_id: jobId } } })),
    onSuccess: (job) => client.setQueryData(keys.job(job.job_id), job),
  });
}

/** Fetches a job's state once (the progress hook decides when to poll). */
export function fetchJob(jobId: string, signal?: AbortSignal): Promise<Job> {
  return unwrap(api.GET("/api/resume-async/job-status/{job_id}", { params: { path: { job_id: jobId } }, signal }));
}

/** What a SUCCESS job's document says (it never changes): a resume's or a letter's content, as `document` says. */
export function useContent(jobId: string) {
  return useQuery({
    queryKey: ["content", jobId] as const,
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/resume-async/content/{job_id}", { params: { path: { job_id: jobId } }, signal })),
    staleTime: Infinity,
  });
}

/**
 * How well a SUCCESS job's resume covers the key terms of its posting. Read again when
 * shown (the candidate's data and the posting may have been edited since).
 */
export function useMatchReport(jobId: string) {
  return useQuery({
    queryKey: ["match", jobId] as const,
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/resume-async/match/{job_id}", { params: { path: { job_id: jobId } }, signal })),
  });
}

/** An edit to render: a resume's content, or a letter's (with `document: "cover_letter"`). */
export type RenderRequest = Schemas["Render"];

/** Renders an edited content in a new job (no model call). */
export function useRender() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RenderRequest) => unwrap(api.POST("/api/resume-async/render", { body })),
    onSuccess: (job) => {
      client.setQueryData(keys.job(job.job_id), job);
      return client.invalidateQueries({ queryKey: keys.jobs(job.candidate_id) });
    },
  });
}

/** The candidate's resume jobs, newest first, a page at a time. */
export function useCandidateJobs(candidateId: number) {
  return useInfiniteQuery({
    queryKey: keys.jobs(candidateId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/resume-async/my-jobs", {
          params: {
            query: { candidate_id: candidateId, limit: 10, ...(pageParam ? { page_token: pageParam } : {}) },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_page_token ?? null,
  });
}

/** What readiness says a user's jobs depend on (it is open: no token needed). */
export interface Readiness {
  /** Live workers, when the server answered. */
  workers: number | null;
  /** The queues an operator paused. */
  pausedQueues: string[];
  /** Whether a model is configured, when the server answered. */
  modelConfigured: boolean | null;
}

/** Readiness, polled every 5 s while `poll` (a job waits), else read once in a while. */
export function useReadiness(poll: boolean) {
  return useQuery({
    queryKey: keys.readiness,
    refetchInterval: poll ? 5000 : false,
    staleTime: poll ? 0 : 60_000,
    queryFn: async ({ signal }): Promise<Readiness> => {
      // A 503 still names the checks.
      const { data, error } = await api.GET("/api/readyz", { signal });
      const body = data ?? (error as Schemas["Readiness"] | undefined);
      return {
        workers: body?.checks?.workers ?? null,
        pausedQueues: body?.paused_queues ?? [],
        modelConfigured: body?.model_configured ?? null,
      };
    },
  });
}

/** How the app signs in: the OpenID Connect issuer and client, or null for pasted tokens only (open: no token needed). */
export function useOidcConfig() {
  return useQuery({
    queryKey: keys.authConfig,
    staleTime: Infinity,
    queryFn: ({ signal }) => unwrap(api.GET("/api/auth/config", { signal })),
    select: (config): OidcConfig | null =>
      config.oidc_issuer && config.oidc_client_id
        ? { issuer: config.oidc_issuer, clientId: config.oidc_client_id, rolesClaim: config.oidc_roles_claim ?? "roles" }
        : null,
  });
}
