// The jobs a candidate is being put forward for: listed, removable, and a form to add one.
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import type { CandidateJob } from "../api/client";
import { useAddTarget, useDeleteTarget } from "../api/queries";
import { type TargetForm, targetSchema } from "../forms/candidate";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";

export function TargetJobs({ candidateId, targets }: { candidateId: number; targets: CandidateJob[] }) {
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
      <AddTarget candidateId={candidateId} />
    </section>
  );
}

function AddTarget({ candidateId }: { candidateId: number }) {
  const add = useAddTarget(candidateId);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<TargetForm>({ resolver: zodResolver(targetSchema), defaultValues: { title: "", company: "", description: "" } });
  const submit = handleSubmit(async (values) => {
    await add.mutateAsync({ title: values.title, company: values.company === "" ? null : values.company, description: values.description });
    reset();
  });
  return (
    <details className="add-target">
      <summary>Add a target job</summary>
      <form onSubmit={(e) => void submit(e).catch(() => undefined)} noValidate>
        <div className="grid-2">
          <Field label="Job title" required registration={register("title")} error={errors.title} />
          <Field label="Company" registration={register("company")} error={errors.company} />
        </div>
        <Field label="Job description" required kind="textarea" rows={6} registration={register("description")} error={errors.description} />
        <ErrorMessage error={add.error} title="Not added" />
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add target job"}
        </button>
      </form>
    </details>
  );
}
