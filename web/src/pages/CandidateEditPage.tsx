// A new candidate, or an existing one edited (every field replaced on save).
import { Link, useNavigate, useParams } from "react-router";

import { useCandidate, useSaveCandidate } from "../api/queries";
import { CandidateForm } from "../components/CandidateForm";
import { ErrorMessage } from "../components/ErrorMessage";
import { savedNotice } from "../components/SavedNotice";

export function NewCandidatePage() {
  const navigate = useNavigate();
  const save = useSaveCandidate(null);
  return (
    <main id="main">
      <p className="crumbs">
        <Link to="/">Candidates</Link>
      </p>
      <h1>New candidate</h1>
      <CandidateForm
        submitLabel="Create candidate"
        onSave={async (candidate) => {
          const saved = await save.mutateAsync(candidate);
          await navigate(`/candidates/${saved.id}`, { state: savedNotice(`${saved.full_name} added.`) });
        }}
      />
    </main>
  );
}

export function EditCandidatePage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const candidate = useCandidate(id);
  const save = useSaveCandidate(id);
  return (
    <main id="main">
      <p className="crumbs">
        <Link to="/">Candidates</Link> / <Link to={`/candidates/${id}`}>{candidate.data?.full_name ?? "…"}</Link>
      </p>
      <h1>Edit {candidate.data?.full_name ?? "candidate"}</h1>
      <ErrorMessage error={candidate.error} />
      {candidate.data ? (
        <CandidateForm
          candidate={candidate.data}
          submitLabel="Save changes"
          onSave={async (changed) => {
            await save.mutateAsync(changed);
            await navigate(`/candidates/${id}`, { state: savedNotice("Changes saved.") });
          }}
        />
      ) : null}
    </main>
  );
}
