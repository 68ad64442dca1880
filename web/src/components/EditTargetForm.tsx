// The form that edits a target job in place: the same fields and rules as adding one,
// Save and Cancel named for the job, Escape cancels; the title field takes the focus.
import { useEffect } from "react";

import type { CandidateJob } from "../api/client";
import { useUpdateTarget } from "../api/queries";
import { targetSchema, toTarget } from "../forms/candidate";
import { useCheckedForm } from "../forms/checked";
import { ErrorMessage } from "./ErrorMessage";
import { TargetFields } from "./TargetFields";

interface Props {
  candidateId: number;
  target: CandidateJob;
  /** What the buttons are named for ("Staff Engineer at Compilers Inc"). */
  name: string;
  /** The form is done: saved (with the job as stored) or cancelled (null). */
  onDone: (saved: CandidateJob | null) => void;
}

export default function EditTargetForm({ candidateId, target, name, onDone }: Props) {
  const save = useUpdateTarget(candidateId);
  const {
    register,
    handleSubmit,
    setFocus,
    formState: { errors },
  } = useCheckedForm(targetSchema, { title: target.title, company: target.company ?? "", description: target.description });
  useEffect(() => setFocus("title"), [setFocus]);
  const submit = handleSubmit(async (values) => {
    onDone(await save.mutateAsync({ id: target.id, body: toTarget(values) }));
  });
  return (
    <form
      aria-label={`Edit ${name}`}
      onSubmit={(e) => void submit(e).catch(() => undefined)}
      onKeyDown={(e) => {
        if (e.key === "Escape") onDone(null);
      }}
      noValidate
    >
      <TargetFields register={register} errors={errors} />
      <ErrorMessage error={save.error} title="Not saved" />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending} aria-label={`Save ${name}`}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={() => onDone(null)} aria-label={`Cancel editing ${name}`}>
          Cancel
        </button>
      </div>
    </form>
  );
}
