// Sign in by pasting a token (or open the `#token=` link `make run` prints).
import { useId, useState } from "react";

import { endedBecause, signIn } from "../auth/session";

export function SignInPage() {
  const id = useId();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ended = endedBecause();
  return (
    <main className="sign-in" id="main">
      <h1>Sign in</h1>
      <p>Paste your access token. Running locally? Open the link <code>make run</code> prints: it signs you in.</p>
      {ended ? (
        <div className="alert" role="alert">
          {ended}
        </div>
      ) : null}
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
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
