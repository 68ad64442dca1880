// The jobs a candidate is being put forward for: listed, removable, and a form to add one
// (its own chunk, with the form library, loaded when it is opened).
import { lazy, Suspense, useState } from "react";

import type { CandidateJob } from "../api/client";
import { useDeleteTarget } from "../api/queries";
import { ErrorMessage } from "./ErrorMessage";

const AddTargetForm = lazy(() => import("./AddTargetForm"));

interface Props {
  candidateId: number;
  targets: CandidateJob[];
  /** A target job was just added. */
  onAdded: (target: CandidateJob) => void;
}

export function TargetJobs({ candidateId, targets, onAdded }: Props) {
  const remove = useDeleteTarget(candidateId);
  return (
    <section aria-labelledby="targets-title">
      <h2 id="targets-title">Target jobs</h2>
      {targets.length === 0 ? <p className="hint">None yet: add the job this candidate is applying for.</p> : null}
      <ul className="targets">
        {targets.map((target) => (
          <li key={target.id}>
            <details>
              <summary>
                <strong>{target.title}</strong>
                {target.company ? ` at ${target.company}` : ""}
              </summary>
              <p className="description">{target.description}</p>
              <button
                type="button"
                className="small danger-text"
                onClick={() => {
                  if (window.confirm(`Remove the target job "${target.title}"?`)) remove.mutate(target.id);
                }}
              >
                Remove this target job
              </button>
            </details>
          </li>
        ))}
      </ul>
      <ErrorMessage error={remove.error} title="Could not remove" />
      <AddTarget candidateId={candidateId} onAdded={onAdded} />
    </section>
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
