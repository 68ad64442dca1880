// One import's draft, reviewed in the candidate form before it is saved: what the importer
// left out or is unsure of is listed, and marked on its field; Save creates the candidate
// and moves on to the next draft waiting, if there is one.
import { Link, useNavigate, useParams } from "react-router";

import { isMissing } from "../api/client";
import { draftOf, useAcceptDraft, useImport, useImports } from "../api/imports";
import { CandidateForm } from "../components/CandidateForm";
import { fieldLabel } from "../forms/candidate";
import { ErrorMessage } from "../components/ErrorMessage";
import { NotFoundPage } from "./NotFoundPage";

export function ImportReviewPage() {
  const id = useParams().importId ?? "";
  const navigate = useNavigate();
  const found = useImport(id);
  const others = useImports();
  const accept = useAcceptDraft(id);
  const item = found.data;
  const draft = draftOf(item);
  const waiting = (others.data?.imports ?? []).filter(
    (i) => i.status === "SUCCESS" && i.candidate_id == null && i.import_id !== id,
  );
  if (isMissing(found.error)) return <NotFoundPage what="import" />;
  return (
    <main id="main">
      <p className="crumbs">
        <Link to="/">Candidates</Link> / <Link to="/candidates/import">Import</Link>
      </p>
      <h1>Review {draft?.full_name || item?.source?.filename || "the draft"}</h1>
      <ErrorMessage error={found.error} />
      {item && item.status !== "SUCCESS" ? <p className="hint">This import is {item.status.toLowerCase()}.</p> : null}
      {item?.candidate_id != null ? (
        <p>
          Already saved as <Link to={`/candidates/${item.candidate_id}`}>a candidate</Link>.
        </p>
      ) : null}
      {item && draft && item.candidate_id == null ? (
        <>
          {item.warnings.length > 0 ? (
            <div className="warnings" role="status">
              <strong>Check before saving:</strong>
              <ul>
                {item.warnings.map((w) => (
                  <li key={`${w.field}: ${w.message}`}>
                    <strong>{fieldLabel(w.field)}</strong>: {w.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="hint">Everything read was found in the file. Check it, then save.</p>
          )}
          {waiting.length > 0 ? (
            <p className="hint">
              {waiting.length === 1 ? "1 more draft" : `${waiting.length} more drafts`} waiting after this one.
            </p>
          ) : null}
          <CandidateForm
            candidate={draft}
            warnings={item.warnings}
            submitLabel="Save candidate"
            onSave={async (candidate) => {
              const saved = await accept.mutateAsync(candidate);
              const next = waiting[0];
              await navigate(next ? `/candidates/import/${next.import_id}` : `/candidates/${saved.id}`);
            }}
          />
        </>
      ) : null}
    </main>
  );
}
