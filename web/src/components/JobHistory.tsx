// The candidate's past resumes, newest first, a page at a time: what, when, how it ended,
// whether it came from the cache, and its file.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { Job } from "../api/client";
import { download } from "../api/documents";
import { useCandidateJobs } from "../api/queries";
import { LoadMore } from "./LoadMore";
import { ErrorMessage } from "./ErrorMessage";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatTime(value: string | null | undefined): string {
  return value ? when.format(new Date(value)) : "—";
}

interface Props {
  candidateId: number;
  targetName: (jobRowId: number | null | undefined) => string;
  onShow: (job: Job) => void;
}

export function JobHistory({ candidateId, targetName, onShow }: Props) {
  const client = useQueryClient();
  const jobs = useCandidateJobs(candidateId);
  const [saveError, setSaveError] = useState<unknown>(null);
  const rows = jobs.data?.pages.flatMap((page) => page.jobs) ?? [];
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorMessage error={jobs.error ?? saveError} />
      {jobs.isPending ? <p className="hint">Loading…</p> : null}
      {!jobs.isPending && rows.length === 0 ? <p className="hint">No resumes yet.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">For</th>
                <th scope="col">Format</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">File</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <tr key={job.job_id}>
                  <td>
                    <button type="button" className="link" onClick={() => onShow(job)} aria-label={`Show the resume of ${formatTime(job.created_at)}`}>
                      {formatTime(job.created_at)}
                    </button>
                  </td>
                  <td>{targetName(job.job_row_id)}</td>
                  <td>{job.file_type}</td>
                  <td>
                    <span className={`status status-${job.status.toLowerCase()}`}>{job.status.toLowerCase()}</span>
                    {job.cache_hit ? <span className="badge">cached</span> : null}
                  </td>
                  <td>
                    {job.status === "SUCCESS" ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => download(client, job).catch(setSaveError)}
                        aria-label={`Download ${job.filename ?? "the resume"} of ${formatTime(job.created_at)}`}
                      >
                        Download
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore pages={jobs} label="Older resumes" />
    </section>
  );
}
