// Create or edit every field of a candidate: contact details, skills, and the repeated
// groups (links, experience with highlights, education, certifications) with add, remove
// and reorder. Checked as you go with the server's rules; an error the server still finds
// is put on the field it names.
import { type ReactNode, useEffect, useState } from "react";
import {
  type FieldArray,
  type FieldArrayPath,
  type FieldPath,
  useFieldArray,
  type UseFormReturn,
  useWatch,
} from "react-hook-form";

import { ApiError, type Candidate, messageOf } from "../api/client";
import {
  blankCertification,
  blankEducation,
  blankExperience,
  blankLink,
  type CandidateForm as Values,
  type CheckedCandidate,
  candidateSchema,
  toCandidate,
  toForm,
} from "../forms/candidate";
import { useCheckedForm } from "../forms/checked";
import { newestFirst, sortedNewestFirst } from "../lib/months";
import { Field } from "./Field";
import { RowControls } from "./RowControls";
import { useLeaveGuard } from "./useLeaveGuard";

type Form = UseFormReturn<Values, unknown, CheckedCandidate>;

/** The form path a server message names (`experience[0].start must …` → `experience.0.start`). */
export function fieldOf(message: string): string | null {
  const match = /^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)?)(?:\[\d+\])? /.exec(message);
  return match?.[1] ? match[1].replace(/\[(\d+)\]/g, ".$1") : null;
}

interface Props {
  candidate?: Candidate;
  /** What an importer left out or is unsure of: each marked on its field, where it has one. */
  warnings?: { field: string; message: string }[];
  submitLabel: string;
  onSave: (candidate: Candidate) => Promise<unknown>;
}

export function CandidateForm({ candidate, warnings = [], submitLabel, onSave }: Props) {
  const form: Form = useCheckedForm(candidateSchema, toForm(candidate));
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting, isDirty },
  } = form;
  // Marked once: `setError` is the same function every render (`form` is not, and marking
  // re-renders, so depending on `form` would mark for ever and starve the router's navigation).
  const [marked] = useState(warnings);
  useEffect(() => {
    for (const warning of marked) {
      const path = fieldOf(`${warning.field} `);
      if (path) setError(path as FieldPath<Values>, { type: "import", message: warning.message });
    }
  }, [setError, marked]);
  // Saving navigates away while it is still submitting: that is no loss.
  useLeaveGuard(isDirty && !isSubmitting);

  const submit = handleSubmit(async (values) => {
    try {
      await onSave(toCandidate(values));
    } catch (error) {
      const message = messageOf(error);
      const path = error instanceof ApiError && error.status === 400 ? fieldOf(message) : null;
      setError("root.server", { message });
      // The field the server names is marked and focused (so scrolled to: on a long form it
      // and the alert below can both be out of sight).
      if (path) setError(path as FieldPath<Values>, { message }, { shouldFocus: true });
    }
  });

  return (
    <form className="candidate-form" onSubmit={submit} noValidate>
      <fieldset>
        <legend>Contact</legend>
        <div className="grid-2">
          <Field label="Full name" required registration={register("full_name")} error={errors.full_name} autoComplete="off" />
          <Field label="E-mail" type="email" registration={register("email")} error={errors.email} autoComplete="off" />
          <Field label="Phone" type="tel" registration={register("phone")} error={errors.phone} autoComplete="off" />
          <Field
            label="Location"
            registration={register("location")}
            error={errors.location}
            hint="City and country; US or Canada gets US Letter paper."
          />
        </div>
        <Field label="Headline" registration={register("headline")} error={errors.headline} />
        <Field label="Summary" kind="textarea" rows={4} registration={register("summary")} error={errors.summary} />
        <Field
          label="Skills"
          registration={register("skills")}
          error={errors.skills}
          hint="Separated by commas, e.g. Rust, PostgreSQL, Kubernetes."
        />
      </fieldset>
      <Links form={form} />
      <ExperienceRows form={form} />
      <EducationRows form={form} />
      <CertificationRows form={form} />
      {errors.root?.server ? (
        <div className="alert" role="alert">
          <strong>Not saved: </strong>
          {errors.root.server.message}
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}

type Group = FieldArrayPath<Values>;

interface RowsProps<N extends Group> {
  form: Form;
  name: N;
  legend: string;
  /** What one row is called in the reorder and remove buttons ("role 2"). */
  noun: string;
  add: string;
  blank: FieldArray<Values, N>;
  /** A heading per row ("Role 2"), where the fields do not say which row they are. */
  title?: (index: number) => string;
  children: (index: number) => ReactNode;
  /** Said under the rows, above the Add button (a warning about them). */
  note?: ReactNode;
}

/** A repeated group: its rows, each with move up/down and remove, and an Add button. */
function Rows<N extends Group>({ form, name, legend, noun, add, blank, title, children, note }: RowsProps<N>) {
  const { fields, append, remove, move } = useFieldArray({ control: form.control, name });
  return (
    <fieldset>
      <legend>{legend}</legend>
      {fields.map((field, i) => (
        <div className="row" key={field.id}>
          {title ? <h3 className="row-title">{title(i)}</h3> : null}
          {children(i)}
          <RowControls index={i} count={fields.length} which={`${noun} ${i + 1}`} move={move} remove={remove} />
        </div>
      ))}
      {note}
      <button type="button" onClick={() => append(blank)}>
        {add}
      </button>
    </fieldset>
  );
}

function Links({ form }: { form: Form }) {
  const errors = form.formState.errors.links;
  return (
    <Rows form={form} name="links" legend="Links" noun="link" add="Add a link" blank={blankLink}>
      {(i) => (
        <div className="grid-2">
          <Field label={`Link ${i + 1} label`} registration={form.register(`links.${i}.label`)} error={errors?.[i]?.label} placeholder="GitHub" />
          <Field label={`Link ${i + 1} URL`} type="url" registration={form.register(`links.${i}.url`)} error={errors?.[i]?.url} placeholder="https://" />
        </div>
      )}
    </Rows>
  );
}

/** A month picker for a date that is empty or a month; a text box for a year alone (kept as it is). */
const dateType = (value: string) => (/^\d{4}$/.test(value.trim()) ? "text" : "month");

function ExperienceRows({ form }: { form: Form }) {
  const errors = form.formState.errors.experience;
  const roles = useWatch({ control: form.control, name: "experience" });
  const dated = roles.filter((role) => /^\d{4}/.test(role.start.trim()));
  const note = newestFirst(dated) ? null : (
    <p className="warn" role="status">
      These roles are not newest first, the order a resume lists them in.{" "}
      <button
        type="button"
        className="small"
        onClick={() => form.setValue("experience", sortedNewestFirst(form.getValues("experience")), { shouldDirty: true })}
      >
        Sort newest first
      </button>
    </p>
  );
  return (
    <Rows
      form={form}
      name="experience"
      legend="Experience"
      noun="role"
      add="Add a role"
      blank={blankExperience}
      title={(i) => `Role ${i + 1}`}
      note={note}
    >
      {(i) => (
        <>
          <div className="grid-2">
            <Field label="Company" required registration={form.register(`experience.${i}.company`)} error={errors?.[i]?.company} />
            <Field label="Title" required registration={form.register(`experience.${i}.title`)} error={errors?.[i]?.title} />
            <Field label="Location" registration={form.register(`experience.${i}.location`)} error={errors?.[i]?.location} />
            <div className="grid-2">
              <Field
                label="Start"
                required
                type={dateType(form.getValues(`experience.${i}.start`))}
                registration={form.register(`experience.${i}.start`)}
                error={errors?.[i]?.start}
                placeholder="YYYY-MM"
              />
              <Field
                label="End"
                type={dateType(form.getValues(`experience.${i}.end`))}
                registration={form.register(`experience.${i}.end`)}
                error={errors?.[i]?.end}
                hint="Empty: the current role."
              />
            </div>
          </div>
          <Field
            label="Highlights"
            kind="textarea"
            rows={4}
            registration={form.register(`experience.${i}.highlights`)}
            error={errors?.[i]?.highlights}
            hint="One per line; each becomes a bullet."
          />
        </>
      )}
    </Rows>
  );
}

function EducationRows({ form }: { form: Form }) {
  const errors = form.formState.errors.education;
  return (
    <Rows form={form} name="education" legend="Education" noun="education" add="Add education" blank={blankEducation} title={(i) => `Education ${i + 1}`}>
      {(i) => (
        <div className="grid-2">
          <Field label="Institution" required registration={form.register(`education.${i}.institution`)} error={errors?.[i]?.institution} />
          <Field label="Degree" registration={form.register(`education.${i}.degree`)} error={errors?.[i]?.degree} />
          <Field label="Field" registration={form.register(`education.${i}.field`)} error={errors?.[i]?.field} />
          <div className="grid-2">
            <Field label="Start" registration={form.register(`education.${i}.start`)} error={errors?.[i]?.start} placeholder="YYYY" />
            <Field label="End" registration={form.register(`education.${i}.end`)} error={errors?.[i]?.end} placeholder="YYYY" />
          </div>
        </div>
      )}
    </Rows>
  );
}

function CertificationRows({ form }: { form: Form }) {
  const errors = form.formState.errors.certifications;
  return (
    <Rows form={form} name="certifications" legend="Certifications" noun="certification" add="Add a certification" blank={blankCertification}>
      {(i) => (
        <div className="grid-3">
          <Field label={`Certification ${i + 1}`} required registration={form.register(`certifications.${i}.name`)} error={errors?.[i]?.name} />
          <Field label="Issuer" registration={form.register(`certifications.${i}.issuer`)} error={errors?.[i]?.issuer} />
          <Field label="Year" registration={form.register(`certifications.${i}.year`)} error={errors?.[i]?.year} placeholder="YYYY" />
        </div>
      )}
    </Rows>
  );
}
