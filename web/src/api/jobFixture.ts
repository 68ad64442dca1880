// A Job for unit tests: a finished PDF of candidate 1 unless `extra` says otherwise.
import type { Job } from "./client";

export function jobFixture(extra: Partial<Job> = {}): Job {
  return {
    job_id: "01a23141-2d93-70ae-aa80-e76d5acdcc1d",
    candidate_id: 1,
    status: "SUCCESS",
    progress: 100,
    file_type: "pdf",
    priority: "default",
    cache_hit: false,
    kind: "generate",
    document: "resume",
    anonymize: false,
    attempts: 1,
    prompt_tokens: 0,
    cached_tokens: 0,
    completion_tokens: 0,
    generation_ms: null,
    ...extra,
  };
}
