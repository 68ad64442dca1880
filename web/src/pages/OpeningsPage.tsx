// The recruiter's openings: each posting with its batches, written once and edited in
// place; a new one written at the top.
import { useState } from "react";

import { type Opening, useBatches, useOpenings, useSaveOpening } from "../api/batches";
import { BatchList } from "../components/BatchList";
import { ErrorMessage } from "../components/ErrorMessage";
import { LoadMore } from "../components/LoadMore";
import { OpeningForm } from "../components/OpeningForm";

function OpeningCard({ opening }: { opening: Opening }) {
  const [editing, setEditing] = useState(false);
  const save = useSaveOpening();
  const batches = useBatches(opening.id);
  const headingId = `opening-${opening.id}`;
  return (
    <li className="panel" aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{opening.title}</h2>
        <button type="button" className="small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {editing ? "Close" : `Edit ${opening.title}`}
        </button>
      </div>
      <p className="meta">
        {opening.company} · {opening.location}
        {opening.url ? (
          <>
            {" · "}
            <a href={opening.url} rel="noreferrer noopener" target="_blank">
              posting
            </a>
          </>
        ) : null}
      </p>
      {editing ? (
        <>
          <ErrorMessage error={save.error} />
          <OpeningForm
            opening={opening}
            submitLabel="Save opening"
            busy={save.isPending}
            onSubmit={(body) => save.mutate({ id: opening.id, body }, { onSuccess: () => setEditing(false) })}
          />
        </>
      ) : (
        <p className="opening-description">{opening.description}</p>
      )}
      <h3>Batches</h3>
      <ErrorMessage error={batches.error} />
      {batches.data ? <BatchList batches={batches.data} /> : null}
      <LoadMore pages={batches} label="Older batches" />
    </li>
  );
}

export function OpeningsPage() {
  const openings = useOpenings();
  const create = useSaveOpening();
  const [writing, setWriting] = useState(false);
  const all = openings.data?.pages.flatMap((page) => page.openings) ?? [];
  return (
    <main id="main">
      <div className="page-head">
        <h1>Openings</h1>
        <button type="button" className="primary" aria-expanded={writing} onClick={() => setWriting(!writing)}>
          New opening
        </button>
      </div>
      {writing ? (
        <section className="panel" aria-label="New opening">
          <ErrorMessage error={create.error} />
          <OpeningForm
            submitLabel="Create opening"
            busy={create.isPending}
            onSubmit={(body) => create.mutate({ id: null, body }, { onSuccess: () => setWriting(false) })}
          />
        </section>
      ) : null}
      <ErrorMessage error={openings.error} />
      {openings.isPending ? <p className="hint">Loading…</p> : null}
      {!openings.isPending && all.length === 0 && !openings.error ? (
        <p className="empty">No openings yet. Write one, then generate resumes for a shortlist of candidates.</p>
      ) : null}
      <ul className="openings">
        {all.map((opening) => (
          <OpeningCard key={opening.id} opening={opening} />
        ))}
      </ul>
      <LoadMore pages={openings} label="More openings" />
    </main>
  );
}
