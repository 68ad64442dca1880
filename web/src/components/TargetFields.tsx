// A target job's fields (title, company, description), shared by the forms that add one
// and edit one, so that both ask for the same thing with the same rules.
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import type { z } from "zod";

import type { targetSchema } from "../forms/candidate";
import { Field } from "./Field";

export type TargetValues = z.input<typeof targetSchema>;

interface Props {
  register: UseFormRegister<TargetValues>;
  errors: FieldErrors<TargetValues>;
}

export function TargetFields({ register, errors }: Props) {
  return (
    <>
      <div className="grid-2">
        <Field label="Job title" required registration={register("title")} error={errors.title} />
        <Field label="Company" registration={register("company")} error={errors.company} />
      </div>
      <Field label="Job description" required kind="textarea" rows={6} registration={register("description")} error={errors.description} />
    </>
  );
}

