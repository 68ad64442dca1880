// A finished resume's content, editable section by section (headline, summary, skills in
// order, each role's bullets, which roles appear), and rendered again in any format
// without a model call.
import { zodResolver } from "@hookform/resolvers/zod";
import { useFieldArray, useForm, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";

import type { Content, FileType, Job } from "../api/client";
import { useContent, useRender } from "../api/queries";
import { type ContentForm, contentSchema, toContent, toContentForm } from "../forms/content";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";
import { RowControls } from "./RowControls";

type Form = UseFormReturn<ContentForm, unknown, z.output<typeof contentSchema>>;

const FORMATS: { value: FileType; label: string }[] = [
  { value: "word", label: "Word" },
  { value: "pdf", label: "PDF" },
  { value: "text", label: "Text" },
  { value: "markdown", label: "Markdown" },
];

export function ContentEditor({ job, onRendered }: { job: Job; onRendered: (job: Job) => void }) {
  const content = useContent(job.job_id);
  return (
    <details className="content-view">
      <summary>What it says (edit and download again)</summary>
      <ErrorMessage error={content.error} />
      {content.data ? <Editor job={job} content={content.data} onRendered={onRendered} /> : null}
    </details>
  );
}

function Editor({ job, content, onRendered }: { job: Job; content: Content; onRendered: (job: Job) => void }) {
  const render = useRender();
  const form: Form = useForm<ContentForm, unknown, z.output<typeof contentSchema>>({
    resolver: zodResolver(contentSchema),
    defaultValues: toContentForm(content),
    mode: "onTouched",
  });
  const { register, formState } = form;
  const skills = useFieldArray({ control: form.control, name: "skills" });
  const roles = useFieldArray({ control: form.control, name: "experience" });
  const renderAs = (fileType: FileType) =>
    form.handleSubmit((values) =>
      render.mutate({ job_id: job.job_id, content: toContent(values), file_type: fileType }, { onSuccess: onRendered }),
    );
  return (
    <form className="content-editor" noValidate onSubmit={(e) => e.preventDefault()}>
      <Field label="Headline" registration={register("headline")} error={formState.errors.headline} />
      <Field label="Summary" kind="textarea" rows={4} registration={register("summary")} error={formState.errors.summary} />
      <fieldset>
        <legend>Skills, most relevant first</legend>
        {skills.fields.map((field, i) => (
          <div className="row inline" key={field.id}>
            <Field label={`Skill ${i + 1}`} registration={register(`skills.${i}.value`)} error={formState.errors.skills?.[i]?.value} />
            <RowControls index={i} count={skills.fields.length} name="skill" move={skills.move} remove={skills.remove} />
          </div>
        ))}
      </fieldset>
      {roles.fields.map((field, i) => (
        <fieldset key={field.id}>
          <legend>
            {field.title}, {field.company}
          </legend>
          <Bullets form={form} role={i} />
          <RowControls
            index={i}
            count={roles.fields.length}
            name="role"
            move={roles.move}
            remove={roles.remove}
            caption="The whole role:"
          />
        </fieldset>
      ))}
      <ErrorMessage error={render.error} title="Not rendered" />
      <div className="actions" role="group" aria-label="Download the edited resume">
        <span className="hint">Download edited as</span>
        {FORMATS.map((format) => (
          <button key={format.value} type="button" onClick={renderAs(format.value)} disabled={render.isPending}>
            {format.label}
          </button>
        ))}
      </div>
    </form>
  );
}

function Bullets({ form, role }: { form: Form; role: number }) {
  const bullets = useFieldArray({ control: form.control, name: `experience.${role}.highlights` });
  const errors = form.formState.errors.experience?.[role]?.highlights;
  return (
    <>
      {bullets.fields.map((field, j) => (
        <div className="row" key={field.id}>
          <Field
            label={`Role ${role + 1}, bullet ${j + 1}`}
            kind="textarea"
            rows={2}
            registration={form.register(`experience.${role}.highlights.${j}.value`)}
            error={errors?.[j]?.value}
          />
          <RowControls index={j} count={bullets.fields.length} name={`bullet of role ${role + 1}`} move={bullets.move} remove={bullets.remove} />
        </div>
      ))}
    </>
  );
}
