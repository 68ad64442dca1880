// A job's id as a table shows it: its last 8 characters (a UUIDv7 starts with the time, so
// the first 8 repeat across jobs of the same minute), linked to the job, the full id for
// screen readers and a button that copies it.
import { Link } from "react-router";

import { CopyButton } from "../components/CopyButton";

/** The part of a job id that tells jobs apart. */
export const shortId = (jobId: string) => `…${jobId.slice(-8)}`;

export function ShortJobId({ jobId, copy = true }: { jobId: string; copy?: boolean }) {
  return (
    <span className="job-id">
      <Link to={`/monitor/jobs/${jobId}`}>
        <code title={jobId}>{shortId(jobId)}</code>
        <span className="visually-hidden"> (job {jobId})</span>
      </Link>
      {copy ? <CopyButton value={jobId} what={`job id ${jobId}`} /> : null}
    </span>
  );
}
