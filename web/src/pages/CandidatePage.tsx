// CandidateDetail: the candidate's data and target jobs, Generate, the job being followed
// (kept in the address as ?job=, or the running one found again after a reload), and the
// history of their resumes.
import { useEffect, useState } from "react";
import { useNavigate, useParams, useSearchParams, Link } from "react-router";

import { isMissing, type Job } from "../api/client";
import { awaitDocument } from "../api/documents";
import { type GenerateRequest, useCandidate, useCandidateJobs, useDeleteCandidate, useGenerate, useTargets } from "../api/queries";
import { CandidateProfile } from "../components/CandidateProfile";
import { ErrorMessage } from "../components/ErrorMessage";
import { GenerateForm } from "../components/GenerateForm";
import { JobHistory } from "../components/JobHistory";
import { JobProgress } from "../components/JobProgress";
import { SavedNotice } from "../components/SavedNotice";
import { TargetJobs } from "../components/TargetJobs";
import { isTerminal } from "../progress/machine";
import { NotFoundPage } from "./NotFoundPage";

export function CandidatePage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const candidate = useCandidate(id);
  const targets = useTargets(id);
  const jobs = useCandidateJobs(id);
  const generate = useGenerate();
  const remove = useDeleteCandidate(id);

  const running = jobs.data?.pages[0]?.jobs.find((job) => !isTerminal(job));
  const shownId = params.get("job") ?? running?.job_id ?? null;
  const show = (job: Job) => setParams({ job: job.job_id }, { replace: true });
  // A running job found again (after a reload) stays shown once it ends.
  const found = params.get("job") ? null : (running?.job_id ?? null);
  useEffect(() => {
    if (found) setParams({ job: found }, { replace: true });
  }, [found, setParams]);
  const [submitted, setSubmitted] = useState<string | null>(null);
  /** The target job Generate tailors to (null: the first one). */
  const [target, setTarget] = useState<string | null>(null);
  /** Follows a job this tab just asked for, saving its file once it is ready. */
  const follow = (job: Job) => {
    awaitDocument(job.job_id);
    setSubmitted(job.job_id);
    show(job);
  };
  const submit = (request: GenerateRequest) => generate.mutate(request, { onSuccess: follow });

  if (isMissing(candidate.error)) return <NotFoundPage what="candidate" />;
  const data = candidate.data;
  const targetName = (jobRowId: number | null | undefined) => {
    if (jobRowId == null) return "General";
    const target = targets.data?.find((t) => t.id === jobRowId);
    if (!target) return "A removed target job";
    return target.company ? `${target.title} at ${target.company}` : target.title;
  };
  return (
    <main id="main">
      <p className="crumbs">
        <Link to="/">Candidates</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{data?.full_name ?? "…"}</h1>
          {data?.headline ? <p className="lead">{data.headline}</p> : null}
        </div>
        <div className="actions">
          <Link className="button" to={`/candidates/${id}/edit`}>
            Edit
          </Link>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending || !data}
            onClick={() => {
              if (!window.confirm(`Delete ${data?.full_name ?? "this candidate"}, their target jobs and every resume made for them?`)) return;
              remove.mutate(undefined, { onSuccess: () => void navigate("/", { replace: true }) });
            }}
          >
            {remove.isPending ? "Deleting…" : "Delete"}
          </button>
        </div>
      </div>
      <SavedNotice />
      <ErrorMessage error={candidate.error ?? remove.error} />
      {data ? (
        <div className="detail">
          <div className="detail-main">
            <section className="panel" aria-labelledby="generate-title">
              <h2 id="generate-title">Generate a resume or cover letter</h2>
              {targets.data ? (
                <GenerateForm
                  candidateId={id}
                  targets={targets.data}
                  target={target}
                  onTarget={setTarget}
                  busy={generate.isPending}
                  onGenerate={submit}
                />
              ) : (
                <p className="hint">Loading…</p>
              )}
              <ErrorMessage error={generate.error} title="Not submitted" />
            </section>
            {shownId ? (
              <div className="panel">
                <JobProgress
                  key={shownId}
                  candidateId={id}
                  jobId={shownId}
                  known={running?.job_id === shownId ? running : null}
                  retrying={generate.isPending}
                  focus={submitted === shownId}
                  onShow={follow}
                  onRetry={(job, fresh) =>
                    submit({
                      candidate_id: job.candidate_id,
                      job_row_id: job.job_row_id ?? null,
                      file_type: job.file_type,
                      priority: job.priority,
                      fresh,
                    })
                  }
                />
              </div>
            ) : null}
          </div>
          <div className="detail-side">
            <div className="panel">
              <CandidateProfile candidate={data} />
            </div>
            <div className="panel">
              <TargetJobs candidateId={id} targets={targets.data ?? []} onAdded={(added) => setTarget(String(added.id))} />
            </div>
          </div>
          {/* The whole width: its table has seven columns. */}
          <div className="panel detail-wide">
            <JobHistory candidateId={id} targetName={targetName} onShow={show} />
          </div>
        </div>
      ) : null}
    </main>
  );
}
