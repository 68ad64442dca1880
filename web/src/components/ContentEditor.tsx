// A finished resume's content, editable section by section (headline, summary, skills in
// order, each role's bullets, which roles appear: add, remove, reorder, each control named
// for what it acts on), and rendered again in any format without a model call; a cover
// letter's, in the letter editor.
import { useFieldArray, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";

import type { Content, FileType, Job } from "../api/client";
import { useContent, useRender } from "../api/queries";
import { useCheckedForm } from "../forms/checked";
import { type ContentForm, contentSchema, toContent, toContentForm } from "../forms/content";
import { DownloadEditedAs } from "./DownloadEditedAs";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";
import { LetterEditor } from "./LetterEditor";
import { RowControls } from "./RowControls";

type Form = UseFormReturn<ContentForm, unknown, z.output<typeof contentSchema>>;

export default function ContentEditor({ job, onRendered }: { job: Job; onRendered: (job: Job) => void }) {
  const content = useContent(job.job_id);
  return (
    <details className="content-view">
      <summary>What it says (edit and download again)</summary>
      <ErrorMessage error={content.error} />
      {content.data?.document === "resume" ? <Editor job={job} content={content.data.content} onRendered={onRendered} /> : null}
      {content.data?.document === "cover_letter" ? (
        <LetterEditor job={job} letter={content.data.content} onRendered={onRendered} />
      ) : null}
    </details>
  );
}

function Editor({ job, content, onRendered }: { job: Job; content: Content; onRendered: (job: Job) => void }) {
  const render = useRender();
  const form: Form = useCheckedForm(contentSchema, toContentForm(content));
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
            <RowControls index={i} count={skills.fields.length} which={`skill ${i + 1}`} move={skills.move} remove={skills.remove} />
          </div>
        ))}
        <button type="button" className="small" onClick={() => skills.append({ value: "" })}>
          Add a skill
        </button>
      </fieldset>
      {roles.fields.map((field, i) => {
        const role = `${field.title}, ${field.company}`;
        return (
          <fieldset key={field.id}>
            <legend>{role}</legend>
            <Bullets form={form} index={i} role={role} />
            <RowControls
              index={i}
              count={roles.fields.length}
              which={`role ${i + 1} (${role})`}
              move={roles.move}
              remove={roles.remove}
              caption="The whole role:"
            />
          </fieldset>
        );
      })}
      <ErrorMessage error={render.error} title="Not rendered" />
      <DownloadEditedAs what="resume" pending={render.isPending} renderAs={renderAs} />
    </form>
  );
}

/** A role's bullets: each editable (the box grows with its text), reordered, removed; and one more added. */
function Bullets({ form, index, role }: { form: Form; index: number; role: string }) {
  const bullets = useFieldArray({ control: form.control, name: `experience.${index}.highlights` });
  const errors = form.formState.errors.experience?.[index]?.highlights;
  return (
    <>
      {bullets.fields.map((field, j) => (
        <div className="row" key={field.id}>
          <Field
            label={`Bullet ${j + 1} of ${role}`}
            kind="textarea"
            rows={2}
            registration={form.register(`experience.${index}.highlights.${j}.value`)}
            error={errors?.[j]?.value}
          />
          <RowControls
            index={j}
            count={bullets.fields.length}
            which={`bullet ${j + 1} of ${role}`}
            move={bullets.move}
            remove={bullets.remove}
          />
        </div>
      ))}
      <button type="button" className="small" onClick={() => bullets.append({ value: "" })}>
        Add a bullet<span className="visually-hidden"> to {role}</span>
      </button>
    </>
  );
}
