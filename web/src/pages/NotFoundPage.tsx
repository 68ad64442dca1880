// A page or a record that is not there (or not the caller's: the API does not say which).
import { Link } from "react-router";

export function NotFoundPage({ what = "page" }: { what?: string }) {
  return (
    <main id="main">
      <h1>Not found</h1>
      <p>There is no such {what}, or it is not yours.</p>
      <p>
        <Link to="/">Back to the candidates</Link>
      </p>
    </main>
  );
}
