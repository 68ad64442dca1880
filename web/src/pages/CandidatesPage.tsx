// The recruiter's candidates, a page at a time: searched by name, company or skill (a
// search reads every page), ordered by last activity or by name; both kept in the address.
// Candidates can be selected (one by one, or every one shown) and a resume generated for
// each of them for one opening, as a batch.
import { lazy, Suspense, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { useCandidates, useNewestJobs } from "../api/queries";
import { CandidateSearch } from "../components/CandidateSearch";
import { ErrorMessage } from "../components/ErrorMessage";
import { LoadMore } from "../components/LoadMore";
import { lastActivity, matches, type Order, ordered } from "../lib/candidates";
import { formatTime } from "../lib/time";

const GenerateForOpening = lazy(() =>
  import("../components/GenerateForOpening").then((m) => ({ default: m.GenerateForOpening })),
);

export function CandidatesPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get("q") ?? "";
  const order: Order = params.get("sort") === "name" ? "name" : "activity";
  const candidates = useCandidates();
  const newest = useNewestJobs().data ?? new Map<number, string>();
  const all = candidates.data?.pages.flatMap((page) => page.candidates) ?? [];
  const rows = ordered(
    all.filter((candidate) => matches(candidate, query)),
    order,
    newest,
  );
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [generating, setGenerating] = useState(false);
  const shownIds = rows.flatMap((candidate) => (candidate.id == null ? [] : [candidate.id]));
  const allShownSelected = shownIds.length > 0 && shownIds.every((id) => selected.has(id));
  const toggle = (id: number) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    setSelected(next);
  };
  const toggleShown = () => {
    const next = new Set(selected);
    for (const id of shownIds) {
      if (allShownSelected) next.delete(id);
      else next.add(id);
    }
    setSelected(next);
  };
  // A search covers every candidate, not only the pages read so far.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = candidates;
  useEffect(() => {
    if (query && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [query, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const change = (next: { q?: string; sort?: Order }) => {
    const values = { q: query, sort: order, ...next };
    const search = new URLSearchParams();
    if (values.q) search.set("q", values.q);
    if (values.sort === "name") search.set("sort", "name");
    setParams(search, { replace: true });
  };
  return (
    <main id="main">
      <div className="page-head">
        <h1>Candidates</h1>
        <div className="head-actions">
          <Link className="button" to="/openings">
            Openings
          </Link>
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
      {!candidates.isPending && all.length === 0 && !candidates.error ? (
        <div className="empty">
          <p>No candidates yet.</p>
          <p>Add one, then generate a resume tailored to the job they are applying for.</p>
        </div>
      ) : null}
      {all.length > 0 ? (
        <CandidateSearch
          query={query}
          order={order}
          shown={rows.length}
          onQuery={(q) => change({ q })}
          onOrder={(sort) => change({ sort })}
        />
      ) : null}
      {rows.length > 0 ? (
        <div className="selection">
          <label className="choice">
            <input type="checkbox" checked={allShownSelected} onChange={toggleShown} />
            Select all on this page
          </label>
          <span className="meta" role="status">
            {selected.size} selected
          </span>
          <button type="button" disabled={selected.size === 0} aria-expanded={generating} onClick={() => setGenerating(true)}>
            Generate for an opening…
          </button>
        </div>
      ) : null}
      {generating && selected.size > 0 ? (
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <GenerateForOpening candidateIds={[...selected]} onClose={() => setGenerating(false)} />
        </Suspense>
      ) : null}
      <ul className="cards">
        {rows.map((candidate) => (
          <li key={candidate.id} className="card">
            {candidate.id != null ? (
              <label className="choice select-one">
                <input
                  type="checkbox"
                  checked={selected.has(candidate.id)}
                  onChange={() => candidate.id != null && toggle(candidate.id)}
                />
                Select {candidate.full_name}
              </label>
            ) : null}
            <Link to={`/candidates/${candidate.id}`} className="card-link">
              <span className="card-title">{candidate.full_name}</span>
              {candidate.headline ? <span className="card-sub">{candidate.headline}</span> : null}
            </Link>
            <span className="meta">
              {[candidate.location, `last activity ${formatTime(lastActivity(candidate, newest))}`].filter(Boolean).join(" · ")}
            </span>
          </li>
        ))}
      </ul>
      {query ? null : <LoadMore pages={candidates} label="More candidates" />}
    </main>
  );
}
