// What to generate: for which target job (or a general resume), in which format, at which
// priority.
import { useId, useState } from "react";

import type { CandidateJob, FileType } from "../api/client";
import type { GenerateRequest } from "../api/queries";

const FORMATS: { value: FileType; label: string }[] = [
  { value: "word", label: "Word (.docx)" },
  { value: "pdf", label: "PDF" },
  { value: "text", label: "Plain text" },
  { value: "markdown", label: "Markdown" },
];

interface Props {
  candidateId: number;
  targets: CandidateJob[];
  /** The target job chosen (its id), "" for a general resume, null for the first target. */
  target: string | null;
  onTarget: (target: string) => void;
  busy: boolean;
  onGenerate: (request: GenerateRequest) => void;
}

export function GenerateForm({ candidateId, targets, target, onTarget, busy, onGenerate }: Props) {
  const id = useId();
  const [fileType, setFileType] = useState<FileType>("word");
  const [high, setHigh] = useState(false);
  const wanted = target ?? (targets[0] ? String(targets[0].id) : "");
  const chosen = targets.some((t) => String(t.id) === wanted) ? wanted : "";
  return (
    <form
      className="generate"
      onSubmit={(event) => {
        event.preventDefault();
        onGenerate({
          candidate_id: candidateId,
          job_row_id: chosen === "" ? null : Number(chosen),
          file_type: fileType,
          priority: high ? "high" : "default",
        });
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-target`}>Tailored to</label>
        <select id={`${id}-target`} value={chosen} onChange={(e) => onTarget(e.target.value)}>
          <option value="">No target job (a general resume)</option>
          {targets.map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.title}
              {t.company ? ` at ${t.company}` : ""}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="formats">
        <legend>Format</legend>
        {FORMATS.map((format) => (
          <label key={format.value} className="choice">
            <input
              type="radio"
              name={`${id}-format`}
              value={format.value}
              checked={fileType === format.value}
              onChange={() => setFileType(format.value)}
            />
            {format.label}
          </label>
        ))}
      </fieldset>
      <label className="choice">
        <input type="checkbox" checked={high} onChange={(e) => setHigh(e.target.checked)} />
        High priority (starts before waiting jobs)
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Submitting…" : "Generate"}
        </button>
      </div>
    </form>
  );
}
