// The signed-in user's token: taken from a `#token=` link (the fragment never reaches a
// server or its logs), pasted on the sign-in page, or the access token of an OpenID
// Connect sign-in (auth/oidc.ts); kept in sessionStorage (gone with the tab), removed on
// sign-out and whenever the API answers 401.
import { useSyncExternalStore } from "react";

const KEY = "resume.token";
/** Where the token holds its roles: `roles`, or the issuer's `OIDC_ROLES_CLAIM`. */
const ROLES_CLAIM = "resume.roles-claim";
const listeners = new Set<() => void>();

/** What the app shows of a token: its user and roles (read, not verified: the server does). */
export interface Session {
  token: string;
  user: string;
  roles: string[];
}

function storage(): Storage | null {
  return typeof sessionStorage === "undefined" ? null : sessionStorage;
}

function notify() {
  for (const listener of listeners) listener();
}

/** The value at `path` (a claim name or dotted path such as `realm_access.roles`). */
function at(claims: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (value, name) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined),
    claims,
  );
}

/** Role names: an array of strings, or one string of space-separated names. */
function roleNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === "string");
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : [];
}

/** The claims of a JWT (its roles read at `rolesClaim`), or null when it is not one. */
export function decodeClaims(token: string, rolesClaim = "roles"): { sub: string; roles: string[]; exp: number } | null {
  const payload = token.split(".")[1];
  if (token.split(".").length !== 3 || !payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims: unknown = JSON.parse(json);
    if (typeof claims !== "object" || claims === null) return null;
    const { sub, exp } = claims as Record<string, unknown>;
    if (typeof sub !== "string" || typeof exp !== "number") return null;
    return { sub, roles: roleNames(at(claims, rolesClaim)), exp };
  } catch {
    return null;
  }
}

let ended: string | null = null;

/** Signs in with `token` (its roles at `rolesClaim`); an error message when it is plainly not a usable token. */
export function signIn(token: string, rolesClaim = "roles"): string | null {
  const trimmed = token.trim();
  const claims = decodeClaims(trimmed, rolesClaim);
  if (!claims) return "That is not a token: paste the whole JWT (three parts separated by dots).";
  if (claims.exp * 1000 <= Date.now()) return "That token has expired; ask for a new one.";
  storage()?.setItem(ROLES_CLAIM, rolesClaim);
  storage()?.setItem(KEY, trimmed);
  ended = null;
  notify();
  return null;
}

/** Signs out, forgetting everything the tab kept; `reason` is shown on the sign-in page (e.g. the server refused the token). */
export function signOut(reason: string | null = null) {
  storage()?.clear();
  ended = reason;
  notify();
}

/** The current token, for the API client. */
export function currentToken(): string | null {
  return storage()?.getItem(KEY) ?? null;
}

/** Why the last session ended, if the server ended it. */
export function endedBecause(): string | null {
  return ended;
}

/**
 * Signs in from a `#token=…` fragment, then removes the fragment from the address bar and
 * history so the token is not left in a bookmark or a shared link.
 */
export function takeTokenFromUrl(location: Location, history: History): string | null {
  const match = /^#token=(.+)$/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(history.state, "", location.pathname + location.search);
  return signIn(decodeURIComponent(match[1]));
}

function snapshot(): string | null {
  return currentToken();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The session, re-rendering on sign-in and sign-out. */
export function useSession(): Session | null {
  const token = useSyncExternalStore(subscribe, snapshot, () => null);
  if (!token) return null;
  const claims = decodeClaims(token, storage()?.getItem(ROLES_CLAIM) ?? "roles");
  return claims ? { token, user: claims.sub, roles: claims.roles } : null;
}

/** Whether the signed-in user may read the operator's console, and act in it. */
export function useOperator(): { reads: boolean; acts: boolean } {
  const roles = useSession()?.roles ?? [];
  const acts = roles.includes("admin");
  return { reads: acts || roles.includes("ops"), acts };
}
