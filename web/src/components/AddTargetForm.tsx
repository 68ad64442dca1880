// The form that adds a target job (the job a candidate applies for); what was added is
// announced, and Generate tailors to it from then on.
import { useState } from "react";

import type { CandidateJob } from "../api/client";
import { useAddTarget } from "../api/queries";
import { targetSchema, toTarget } from "../forms/candidate";
import { useCheckedForm } from "../forms/checked";
import { ErrorMessage } from "./ErrorMessage";
import { TargetFields } from "./TargetFields";

export default function AddTargetForm({ candidateId, onAdded }: { candidateId: number; onAdded: (target: CandidateJob) => void }) {
  const add = useAddTarget(candidateId);
  const [added, setAdded] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useCheckedForm(targetSchema, { title: "", company: "", description: "" });
  const submit = handleSubmit(async (values) => {
    const target = await add.mutateAsync(toTarget(values));
    reset();
    onAdded(target);
    setAdded(`Added "${target.title}"; Generate now tailors the resume to it.`);
  });
  return (
    <form onSubmit={(e) => void submit(e).catch(() => undefined)} noValidate>
      <TargetFields register={register} errors={errors} />
      <ErrorMessage error={add.error} title="Not added" />
      <p className="hint" role="status">
        {added}
      </p>
      <button type="submit" disabled={add.isPending}>
        {add.isPending ? "Adding…" : "Add target job"}
      </button>
    </form>
  );
}
