// The API client's error handling: the server's error body becomes an ApiError with its
// code and message; other failures get a message a user can act on; a 401 to a request
// that carried a token ends the session.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { currentToken, endedBecause, signIn } from "../auth/session";
import { ApiError, makeClient, unwrap } from "./client";

class MemoryStorage {
  private items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

/** A token the client will accept (the server verifies the signature, not the app). */
function token(sub = "alice") {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  return `${part({ alg: "HS256" })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
}

function answering(status: number, body: string | null, headers: Record<string, string> = {}) {
  const seen: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return new Response(body, { status, headers: { "Content-Type": "application/json", ...headers } });
  };
  return { client: makeClient("http://edge.test", fetchImpl as typeof fetch), seen };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("the call succeeded");
}

beforeEach(() => {
  (globalThis as { sessionStorage?: unknown }).sessionStorage = new MemoryStorage();
});
afterEach(() => {
  delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
});

describe("the API client", () => {
  it("sends the session's token and returns the data", async () => {
    signIn(token());
    const { client, seen } = answering(200, JSON.stringify({ candidates: [], next_page_token: null }));
    const data = await unwrap(client.GET("/api/candidates"));
    expect(data.candidates).toEqual([]);
    expect(seen[0]?.headers.get("Authorization")).toBe(`Bearer ${token()}`);
  });

  it("raises the server's code and message", async () => {
    signIn(token());
    const body = { error: { code: "INVALID_ARGUMENT", message: 'experience[0].start must be "YYYY" or "YYYY-MM"' } };
    const { client } = answering(400, JSON.stringify(body));
    const error = await failure(unwrap(client.POST("/api/candidates", { body: { full_name: "Ada" } })));
    expect(error.status).toBe(400);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe('experience[0].start must be "YYYY" or "YYYY-MM"');
  });

  it("says when to try again after a 429", async () => {
    signIn(token());
    const body = { error: { code: "RESOURCE_EXHAUSTED", message: "rate limit exceeded" } };
    const { client } = answering(429, JSON.stringify(body), { "Retry-After": "7" });
    const error = await failure(unwrap(client.GET("/api/candidates")));
    expect(error.message).toBe("rate limit exceeded (try again in 7 s)");
  });

  it("words a failure without the contract's body (a proxy's 502 page)", async () => {
    signIn(token());
    const { client } = answering(502, "<html>Bad Gateway</html>", { "Content-Type": "text/html" });
    const error = await failure(unwrap(client.GET("/api/candidates")));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toBe("The service is unreachable right now; try again in a moment.");
  });

  it("words a request that got no answer", async () => {
    const client = makeClient("http://edge.test", (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch);
    const error = await failure(unwrap(client.GET("/api/candidates")));
    expect(error.status).toBe(0);
    expect(error.message).toContain("Cannot reach the service");
  });

  it("ends the session when the server refuses the token", async () => {
    signIn(token());
    const { client } = answering(401, JSON.stringify({ error: { code: "UNAUTHENTICATED", message: "token expired" } }));
    await failure(unwrap(client.GET("/api/candidates")));
    expect(currentToken()).toBeNull();
    expect(endedBecause()).toContain("Your session has ended");
  });

  it("keeps no session for a token that is plainly not one", () => {
    expect(signIn("not-a-token")).toContain("not a token");
    expect(currentToken()).toBeNull();
    const expired = token().replace(/\.[^.]+\./, `.${btoa(JSON.stringify({ sub: "a", exp: 1 })).replace(/=+$/, "")}.`);
    expect(signIn(expired)).toContain("expired");
  });
});
