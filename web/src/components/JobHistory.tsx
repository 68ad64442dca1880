// The candidate's past resumes and letters, newest first, a page at a time: when, what kind
// (generated, regenerated, edited, reused), which document (resume or cover letter,
// anonymised or not), for which target job, in which format, how it ended, and its file
// (each Download button named for its own document).
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { Job } from "../api/client";
import { download } from "../api/documents";
import { useCandidateJobs } from "../api/queries";
import { documentLabel, formatLabel, type Kind, kindOf } from "../lib/history";
import { formatInstant, formatTime } from "../lib/time";
import { StatusText } from "./StatusText";
import { LoadMore } from "./LoadMore";
import { ErrorMessage } from "./ErrorMessage";

const KINDS: Record<Kind, string> = { generated: "Generated", regenerated: "Regenerated", edited: "Edited", reused: "Reused" };

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
      {!jobs.isPending && rows.length === 0 ? <p className="hint">No resumes or letters yet.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="history stack">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Document</th>
                <th scope="col">For</th>
                <th scope="col">Format</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">File</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => {
                const kind = KINDS[kindOf(job, rows)];
                // A plain resume is what most rows are: only another document says which it is.
                const document = job.document === "resume" && !job.anonymize ? "" : ` (${documentLabel(job).toLowerCase()})`;
                const which = `the ${kind.toLowerCase()} ${formatLabel(job.file_type)}${document} of ${formatInstant(job.created_at)}`;
                return (
                  <tr key={job.job_id}>
                    <td data-label="When">
                      <button type="button" className="link" onClick={() => onShow(job)} aria-label={`Show ${which}`}>
                        {formatTime(job.created_at)}
                      </button>
                    </td>
                    <td data-label="What">{kind}</td>
                    <td data-label="Document">{documentLabel(job)}</td>
                    <td data-label="For">{targetName(job.job_row_id)}</td>
                    <td data-label="Format">{formatLabel(job.file_type)}</td>
                    <td data-label="Status">
                      <StatusText status={job.status} />
                    </td>
                    <td>
                      {job.status === "SUCCESS" ? (
                        <button
                          type="button"
                          className="small"
                          onClick={() => download(client, job).catch(setSaveError)}
                          aria-label={`Download ${which}`}
                        >
                          Download
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore pages={jobs} label="Older resumes" />
    </section>
  );
}
