// "Fit to the posting": a finished resume's match report beside it. The score, then the
// key terms in lists under headings saying what each list means (held but not shown first:
// what an edit can add; then missing; then shown), so that nothing rests on colour.
import type { Job, Schemas } from "../api/client";
import { useMatchReport } from "../api/queries";
import { ErrorMessage } from "./ErrorMessage";

type Term = Schemas["MatchTerm"];
type Status = Schemas["TermStatus"];

const GROUPS: { status: Status; title: string; hint: string }[] = [
  { status: "held_not_shown", title: "Held but not shown", hint: "In the candidate's data but not on this resume." },
  { status: "missing", title: "Missing", hint: "Not in the candidate's data." },
  { status: "shown", title: "Shown", hint: "Named on this resume." },
];

export function PostingFit({ job }: { job: Job }) {
  const report = useMatchReport(job.job_id);
  const data = report.data;
  const total = data ? data.terms.length : 0;
  return (
    <section className="posting-fit" aria-labelledby={`fit-${job.job_id}`}>
      <h3 id={`fit-${job.job_id}`}>Fit to the posting</h3>
      <ErrorMessage error={report.error} title="Could not compare with the posting" />
      {report.isPending ? <p className="hint">Comparing with the posting…</p> : null}
      {data && data.score == null ? (
        <p className="hint">The posting names none of the skills or tools we know, and repeats no term.</p>
      ) : null}
      {data && data.score != null ? (
        <>
          <p className="fit-score">
            <strong>{data.score}%</strong> of the posting's {total} key terms are on this resume ({data.shown} shown).
            {data.held_not_shown > 0 ? ` ${data.potential}% if the ${data.held_not_shown} held but not shown were added.` : null}
          </p>
          <meter className="fit-meter" min={0} max={100} value={data.score} aria-label="Share of the posting's key terms on this resume">
            {data.score}%
          </meter>
          <div className="fit-groups">
            {GROUPS.map((group) => (
              <TermGroup key={group.status} id={`fit-${job.job_id}-${group.status}`} {...group} terms={data.terms.filter((t) => t.status === group.status)} />
            ))}
          </div>
          <p className="hint">
            Counted, not judged by a model: skills and tools from our list, and words the posting repeats.
          </p>
        </>
      ) : null}
    </section>
  );
}

interface GroupProps {
  id: string;
  status: Status;
  title: string;
  hint: string;
  terms: Term[];
}

function TermGroup({ id, status, title, hint, terms }: GroupProps) {
  return (
    <div className={`fit-group fit-${status}`}>
      <h4 id={id}>
        {title} ({terms.length})
      </h4>
      <p className="hint">{hint}</p>
      {terms.length > 0 ? (
        <ul aria-labelledby={id}>
          {terms.map((term) => (
            <li key={term.term}>
              {term.term}
              {term.mentions > 1 ? <span className="meta"> · the posting names it {term.mentions}×</span> : null}
              {term.source === "repeated" ? <span className="meta"> · repeated in the posting</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="meta">None.</p>
      )}
    </div>
  );
}
