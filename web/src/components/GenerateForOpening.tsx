// "Generate for an opening…": the selected candidates get one resume each, tailored to an
// opening the recruiter chooses or writes here, as one batch; its page opens at once. What
// the batch is estimated to cost is shown before it starts.
import { useState } from "react";
import { useNavigate } from "react-router";

import { type NewOpening, useCreateBatch, useOpenings, useSaveOpening } from "../api/batches";
import type { FileType } from "../api/client";
import { BatchEstimateLine } from "./BatchEstimateLine";
import { ErrorMessage } from "./ErrorMessage";
import { OpeningForm } from "./OpeningForm";

export function GenerateForOpening({ candidateIds, onClose }: { candidateIds: number[]; onClose: () => void }) {
  const openings = useOpenings();
  const all = openings.data?.pages.flatMap((page) => page.openings) ?? [];
  const [chosen, setChosen] = useState<string>("");
  const [fileType, setFileType] = useState<FileType>("pdf");
  const createOpening = useSaveOpening();
  const createBatch = useCreateBatch();
  const navigate = useNavigate();
  const writing = chosen === "new" || (all.length === 0 && !openings.isPending);
  const start = (openingId: number) =>
    createBatch.mutate(
      { openingId, body: { candidate_ids: candidateIds, file_type: fileType } },
      { onSuccess: (batch) => void navigate(`/batches/${batch.batch_id}`) },
    );
  const writeAndStart = (body: NewOpening) =>
    createOpening.mutate({ id: null, body }, { onSuccess: (opening) => start(opening.id) });
  const busy = createOpening.isPending || createBatch.isPending;
  return (
    <section className="panel generate-for-opening" aria-labelledby="generate-for-opening">
      <div className="panel-head">
        <h2 id="generate-for-opening">
          Generate for an opening ({candidateIds.length} {candidateIds.length === 1 ? "candidate" : "candidates"})
        </h2>
        <button type="button" className="small" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorMessage error={openings.error ?? createOpening.error ?? createBatch.error} />
      <BatchEstimateLine candidateIds={candidateIds} />
      <fieldset className="opening-choice">
        <legend>Format</legend>
        {(["pdf", "word"] as const).map((type) => (
          <label key={type}>
            <input type="radio" name="batch-format" checked={fileType === type} onChange={() => setFileType(type)} />
            {type === "pdf" ? "PDF" : "Word (.docx)"}
          </label>
        ))}
      </fieldset>
      {all.length > 0 ? (
        <div className="field">
          <label htmlFor="batch-opening">Opening</label>
          <select id="batch-opening" value={chosen} onChange={(event) => setChosen(event.target.value)}>
            <option value="">Choose an opening…</option>
            {all.map((opening) => (
              <option key={opening.id} value={String(opening.id)}>
                {opening.title} · {opening.company}
              </option>
            ))}
            <option value="new">Write a new opening</option>
          </select>
        </div>
      ) : null}
      {writing ? (
        <OpeningForm submitLabel="Create opening and generate" busy={busy} onSubmit={writeAndStart} />
      ) : (
        <button type="button" className="primary" disabled={busy || chosen === ""} onClick={() => start(Number(chosen))}>
          Generate {candidateIds.length} {candidateIds.length === 1 ? "resume" : "resumes"}
        </button>
      )}
    </section>
  );
}
