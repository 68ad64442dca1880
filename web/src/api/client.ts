// The typed API client: openapi-fetch over the paths generated from the edge's OpenAPI
// document (schema.d.ts), with the session's token on every request, a 401 ending the
// session, and every failure turned into one ApiError carrying the server's own message.
import createClient, { type Middleware } from "openapi-fetch";

import { currentToken, signOut } from "../auth/session";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Candidate = Schemas["Candidate"];
export type CandidateJob = Schemas["CandidateJob"];
export type Job = Schemas["Job"];
export type Content = Schemas["Content"];
export type CoverLetterContent = Schemas["CoverLetterContent"];
export type DocumentKind = Schemas["DocumentKind"];
export type JobContent = Schemas["JobContent"];
export type FileType = Schemas["FileType"];
export type Priority = Schemas["Priority"];

/** A failed call: the HTTP status, the gRPC code name and a message a user can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Whether `error` says the record an address names is not there: 404, or a 400 for an
 * id that cannot be one (a mistyped link). */
export function isMissing(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 400);
}

const GENERIC: Record<number, string> = {
  413: "That is too large to send (the limit is 1 MiB).",
  429: "Too many requests; wait a moment and try again.",
  502: "The service is unreachable right now; try again in a moment.",
  503: "The service is unavailable right now; try again in a moment.",
  504: "The service took too long to answer; try again.",
};

/** The ApiError for a response that was not a success, from its body when it has one. */
export function toApiError(response: Response, body: unknown): ApiError {
  const detail = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (detail && typeof detail.code === "string" && typeof detail.message === "string") {
    const retry = response.headers.get("retry-after");
    const message = response.status === 429 && retry ? `${detail.message} (try again in ${retry} s)` : detail.message;
    return new ApiError(response.status, detail.code, message);
  }
  const message = GENERIC[response.status] ?? `The service answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, response.status >= 500 ? "UNAVAILABLE" : "UNKNOWN", message);
}

/** The ApiError for a request that never got an answer (offline, DNS, connection refused). */
export function networkError(cause: unknown): ApiError {
  if (cause instanceof ApiError) return cause;
  if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
  return new ApiError(0, "UNAVAILABLE", "Cannot reach the service; check your connection and try again.");
}

/** Sends the session's token; a 401 to a request that carried one ends the session. */
const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has("Authorization")) {
      signOut("Your session has ended (the token was refused or has expired); sign in again.");
    }
    return response;
  },
};

/** A client of the API at `baseUrl` ("" is this origin). */
export function makeClient(baseUrl = "", fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args)) {
  const client = createClient<paths>({ baseUrl, fetch: fetchImpl });
  client.use(auth);
  return client;
}

export const api = makeClient();

/** The data of an openapi-fetch result, or its ApiError thrown. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error ?? null);
  return result.data as T;
}

/** The message to show for any error a query or mutation raised. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong; try again.";
}
