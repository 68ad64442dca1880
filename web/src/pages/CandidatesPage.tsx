// The recruiter's candidates, newest first, a page at a time.
import { Link } from "react-router";

import { useCandidates } from "../api/queries";
import { LoadMore } from "../components/LoadMore";
import { ErrorMessage } from "../components/ErrorMessage";
import { formatTime } from "../components/JobHistory";

export function CandidatesPage() {
  const candidates = useCandidates();
  const rows = candidates.data?.pages.flatMap((page) => page.candidates) ?? [];
  return (
    <main id="main">
      <div className="page-head">
        <h1>Candidates</h1>
        <div className="head-actions">
          <Link className="button" to="/candidates/import">
            Import
          </Link>
          <Link className="button primary" to="/candidates/new">
            New candidate
          </Link>
        </div>
      </div>
      <ErrorMessage error={candidates.error} />
      {candidates.isPending ? <p className="hint">Loading…</p> : null}
      {!candidates.isPending && rows.length === 0 && !candidates.error ? (
        <div className="empty">
          <p>No candidates yet.</p>
          <p>Add one, then generate a resume tailored to the job they are applying for.</p>
        </div>
      ) : null}
      <ul className="cards">
        {rows.map((candidate) => (
          <li key={candidate.id} className="card">
            <Link to={`/candidates/${candidate.id}`} className="card-link">
              <span className="card-title">{candidate.full_name}</span>
              {candidate.headline ? <span className="card-sub">{candidate.headline}</span> : null}
            </Link>
            <span className="meta">
              {[candidate.location, `added ${formatTime(candidate.created_at)}`].filter(Boolean).join(" · ")}
            </span>
          </li>
        ))}
      </ul>
      <LoadMore pages={candidates} label="More candidates" />
    </main>
  );
}
