// Where the OpenID Connect issuer sends the browser back (`/auth/callback?code=…&state=…`):
// finishes the sign-in and opens the page it started from, or says why it failed.
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";

import { completeSignIn } from "../auth/oidc";
import { useSession } from "../auth/session";

const completions = new Map<string, Promise<string>>();

/** One completion per callback URL: the page may mount twice (a re-render once signed in),
 * and the sign-in under way can be taken only once. */
function completeOnce(href: string): Promise<string> {
  let completion = completions.get(href);
  if (!completion) {
    completion = completeSignIn(new URL(href));
    completions.set(href, completion);
  }
  return completion;
}

export function AuthCallbackPage() {
  const navigate = useNavigate();
  const signedIn = useSession() !== null;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let mounted = true;
    completeOnce(window.location.href).then(
      (returnTo) => {
        if (mounted) void navigate(returnTo, { replace: true });
      },
      (failure: unknown) => {
        if (mounted) setError(failure instanceof Error ? failure.message : "The sign-in failed; sign in again.");
      },
    );
    return () => {
      mounted = false;
    };
  }, [navigate]);
  return (
    <main className="sign-in" id="main">
      <h1>Signing in</h1>
      {error ? (
        <>
          <div className="alert" role="alert">
            {error}
          </div>
          <p>
            <Link to="/">{signedIn ? "Back to the candidates" : "Back to sign-in"}</Link>
          </p>
        </>
      ) : (
        <p className="hint" role="status">
          Completing the sign-in…
        </p>
      )}
    </main>
  );
}
