// A job search as the address bar holds it (so a search can be bookmarked, shared and
// linked to from an error group), and back.
import type { JobFilter, JobStatus, QueueName } from "./queries";

export const STATUSES: JobStatus[] = ["PENDING", "PROCESSING", "SUCCESS", "FAILURE", "CANCELLED"];
export const QUEUES: QueueName[] = ["priority_high", "resume_generation"];
const TEXT_KEYS = ["owner", "worker", "error_group", "q", "since", "until"] as const;

/** `value` when it is a job status. */
export function statusOf(value: string | null | undefined): JobStatus | undefined {
  return STATUSES.find((status) => status === value);
}

/** `value` when it is a queue's name. */
export function queueOf(value: string | null | undefined): QueueName | undefined {
  return QUEUES.find((queue) => queue === value);
}

/** The filter `params` describe; keys that are empty or not numbers where one is due are left out. */
export function filterFromParams(params: URLSearchParams): JobFilter {
  const filter: JobFilter = {};
  const status = statusOf(params.get("status"));
  if (status) filter.status = status;
  const queue = queueOf(params.get("queue"));
  if (queue) filter.queue = queue;
  for (const key of TEXT_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  const candidate = Number(params.get("candidate_id"));
  if (Number.isInteger(candidate) && candidate > 0) filter.candidate_id = candidate;
  return filter;
}

/** The address-bar parameters of `filter`. */
export function paramsFromFilter(filter: JobFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  return params;
}

/** A `datetime-local` input's value (local time) as an RFC 3339 UTC time, if it is one. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** An RFC 3339 time as a `datetime-local` input's value (local time). */
export function isoToLocal(value: string | null | undefined): string {
  if (!value) return "";
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return "";
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
