// Sign in with the OpenID Connect issuer when one is configured, or by pasting a token
// (development; or open the `#token=` link `make run` prints).
import { useId, useState } from "react";

import { useOidcConfig } from "../api/queries";
import { issuerName, type OidcConfig } from "../auth/issuer";
import { endedBecause, signIn } from "../auth/session";

/** The "Sign in with <issuer>" button, and why starting failed if it did. */
function IssuerSignIn({ config }: { config: OidcConfig }) {
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setStarting(true);
    setError(null);
    const here = window.location.pathname + window.location.search;
    // The protocol code loads only when someone signs in this way.
    import("../auth/oidc")
      .then(({ startSignIn }) => startSignIn(config, here))
      .catch((failure: unknown) => {
        setStarting(false);
        setError(failure instanceof Error ? failure.message : "The sign-in could not start; try again.");
      });
  };
  return (
    <section aria-labelledby="issuer-sign-in">
      <h2 id="issuer-sign-in" className="visually-hidden">
        Single sign-on
      </h2>
      <button type="button" className="primary" onClick={start} disabled={starting}>
        Sign in with {issuerName(config.issuer)}
      </button>
      {error ? (
        <div className="alert" role="alert">
          {error}
        </div>
      ) : null}
    </section>
  );
}

export function SignInPage() {
  const id = useId();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ended = endedBecause();
  const oidc = useOidcConfig().data ?? null;
  return (
    <main className="sign-in" id="main">
      <h1>Sign in</h1>
      {ended ? (
        <div className="alert" role="alert">
          {ended}
        </div>
      ) : null}
      {oidc ? <IssuerSignIn config={oidc} /> : null}
      <p>
        {oidc ? "Or paste an access token (for development)." : "Paste your access token."} Running locally? Open the
        link <code>make run</code> prints: it signs you in.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setError(signIn(token));
        }}
        noValidate
      >
        <div className={error ? "field field-invalid" : "field"}>
          <label htmlFor={id}>Access token</label>
          <textarea
            id={id}
            rows={4}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            spellCheck={false}
            autoComplete="off"
          />
          {error ? (
            <p className="error" id={`${id}-error`}>
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className={oidc ? undefined : "primary"}>
          Sign in
        </button>
      </form>
    </main>
  );
}
