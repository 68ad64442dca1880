// What to generate: a resume or a cover letter, anonymised or not, for which target job (or
// a general one), in which format, at which priority.
import { useId, useState } from "react";

import type { CandidateJob, DocumentKind, FileType } from "../api/client";
import type { GenerateRequest } from "../api/queries";
import { Choices } from "./Choices";

const DOCUMENTS: { value: DocumentKind; label: string }[] = [
  { value: "resume", label: "Resume" },
  { value: "cover_letter", label: "Cover letter" },
];

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
  const [document, setDocument] = useState<DocumentKind>("resume");
  const [anonymize, setAnonymize] = useState(false);
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
          document,
          anonymize,
        });
      }}
    >
      <Choices legend="Document" name={`${id}-document`} options={DOCUMENTS} value={document} onChange={setDocument} />
      <div className="field">
        <label htmlFor={`${id}-target`}>{document === "cover_letter" ? "Addressed to" : "Tailored to"}</label>
        <select id={`${id}-target`} value={chosen} onChange={(e) => onTarget(e.target.value)}>
          <option value="">{document === "cover_letter" ? "No target job (a general letter)" : "No target job (a general resume)"}</option>
          {targets.map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.title}
              {t.company ? ` at ${t.company}` : ""}
            </option>
          ))}
        </select>
      </div>
      <Choices legend="Format" name={`${id}-format`} options={FORMATS} value={fileType} onChange={setFileType} />
      <label className="choice">
        <input type="checkbox" checked={anonymize} onChange={(e) => setAnonymize(e.target.checked)} />
        Anonymise (no name, contact details or links: &ldquo;Candidate&rdquo; and initials instead)
      </label>
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
