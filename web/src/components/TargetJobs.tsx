// The jobs a candidate is being put forward for: listed, editable in place, removable, and a
// form to add one (the forms are their own chunk, with the form library, loaded when opened).
import { lazy, Suspense, useEffect, useRef, useState } from "react";

import type { CandidateJob } from "../api/client";
import { useDeleteTarget } from "../api/queries";
import { ErrorMessage } from "./ErrorMessage";

const AddTargetForm = lazy(() => import("./AddTargetForm"));
const EditTargetForm = lazy(() => import("./EditTargetForm"));

interface Props {
  candidateId: number;
  targets: CandidateJob[];
  /** A target job was just added. */
  onAdded: (target: CandidateJob) => void;
}

/** A target job as the page names it: "Staff Engineer at Compilers Inc". */
const nameOf = (target: CandidateJob) => (target.company ? `${target.title} at ${target.company}` : target.title);

export function TargetJobs({ candidateId, targets, onAdded }: Props) {
  const remove = useDeleteTarget(candidateId);
  return (
    <section aria-labelledby="targets-title">
      <h2 id="targets-title">Target jobs</h2>
      {targets.length === 0 ? <p className="hint">None yet: add the job this candidate is applying for.</p> : null}
      <ul className="targets">
        {targets.map((target) => (
          <li key={target.id}>
            <TargetJob
              candidateId={candidateId}
              target={target}
              onRemove={() => {
                if (window.confirm(`Remove the target job "${target.title}"?`)) remove.mutate(target.id);
              }}
            />
          </li>
        ))}
      </ul>
      <ErrorMessage error={remove.error} title="Could not remove" />
      <AddTarget candidateId={candidateId} onAdded={onAdded} />
    </section>
  );
}

interface TargetProps {
  candidateId: number;
  target: CandidateJob;
  onRemove: () => void;
}

/** One target job: its description, or the form that edits it; focus returns to Edit after. */
function TargetJob({ candidateId, target, onRemove }: TargetProps) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const edit = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      edit.current?.focus();
    }
  }, [editing]);
  const name = nameOf(target);
  return (
    <details>
      <summary>
        <strong>{target.title}</strong>
        {target.company ? ` at ${target.company}` : ""}
      </summary>
      {editing ? (
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <EditTargetForm
            candidateId={candidateId}
            target={target}
            name={name}
            onDone={(job) => {
              returnFocus.current = true;
              setSaved(job ? `Saved "${nameOf(job)}"; the next resume is tailored to the new text.` : null);
              setEditing(false);
            }}
          />
        </Suspense>
      ) : (
        <>
          <p className="description">{target.description}</p>
          <div className="actions">
            <button
              ref={edit}
              type="button"
              className="small"
              aria-label={`Edit ${name}`}
              onClick={() => {
                setSaved(null);
                setEditing(true);
              }}
            >
              Edit
            </button>
            <button type="button" className="small danger-text" aria-label={`Remove ${name}`} onClick={onRemove}>
              Remove
            </button>
          </div>
        </>
      )}
      <p className="hint" role="status">
        {saved}
      </p>
    </details>
  );
}

interface AddProps {
  candidateId: number;
  onAdded: (target: CandidateJob) => void;
}

function AddTarget(props: AddProps) {
  const [open, setOpen] = useState(false);
  return (
    <details className="add-target" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Add a target job</summary>
      {open ? (
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <AddTargetForm {...props} />
        </Suspense>
      ) : null}
    </details>
  );
}
