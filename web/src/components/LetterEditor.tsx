// A finished cover letter, editable (greeting, each paragraph: reword, add, remove,
// reorder; closing) and rendered again in any format without a model call. The signature
// is shown, not edited: it is the candidate's, or their label when anonymised.
import { useFieldArray } from "react-hook-form";

import type { CoverLetterContent, FileType, Job } from "../api/client";
import { useRender } from "../api/queries";
import { useCheckedForm } from "../forms/checked";
import { letterSchema, toLetter, toLetterForm } from "../forms/letter";
import { DownloadEditedAs } from "./DownloadEditedAs";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";
import { RowControls } from "./RowControls";

interface Props {
  job: Job;
  letter: CoverLetterContent;
  onRendered: (job: Job) => void;
}

export function LetterEditor({ job, letter, onRendered }: Props) {
  const render = useRender();
  const form = useCheckedForm(letterSchema, toLetterForm(letter));
  const { register, formState } = form;
  const paragraphs = useFieldArray({ control: form.control, name: "paragraphs" });
  const renderAs = (fileType: FileType) =>
    form.handleSubmit((values) =>
      render.mutate(
        { job_id: job.job_id, document: "cover_letter", content: toLetter(values), file_type: fileType },
        { onSuccess: onRendered },
      ),
    );
  return (
    <form className="content-editor" noValidate onSubmit={(e) => e.preventDefault()}>
      <Field label="Greeting" registration={register("greeting")} error={formState.errors.greeting} />
      <fieldset>
        <legend>Paragraphs</legend>
        {paragraphs.fields.map((field, i) => (
          <div className="row" key={field.id}>
            <Field
              label={`Paragraph ${i + 1}`}
              kind="textarea"
              rows={4}
              registration={register(`paragraphs.${i}.value`)}
              error={formState.errors.paragraphs?.[i]?.value}
            />
            <RowControls
              index={i}
              count={paragraphs.fields.length}
              which={`paragraph ${i + 1}`}
              move={paragraphs.move}
              remove={paragraphs.remove}
            />
          </div>
        ))}
        <button type="button" className="small" onClick={() => paragraphs.append({ value: "" })}>
          Add a paragraph
        </button>
      </fieldset>
      <Field label="Closing" registration={register("closing")} error={formState.errors.closing} />
      <p className="hint">
        Signed <strong>{letter.signature}</strong>. Every employer, title, school, certification, number and year must be
        the candidate&rsquo;s (or the company the letter is addressed to).
      </p>
      <ErrorMessage error={render.error} title="Not rendered" />
      <DownloadEditedAs what="cover letter" pending={render.isPending} renderAs={renderAs} />
    </form>
  );
}
