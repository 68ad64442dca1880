// A page of every user's jobs: which, whose, how it stands, where it ran.
import { Link } from "react-router";

import type { AdminJob } from "./queries";
import { StatusText } from "./StatusText";
import { formatInstant } from "./time";

export function JobsTable({ jobs }: { jobs: AdminJob[] }) {
  return (
    <div className="table-wrap">
      <table className="history jobs-table">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Owner</th>
            <th scope="col">Queue</th>
            <th scope="col">Worker</th>
            <th scope="col">Attempts</th>
            <th scope="col">Submitted</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.job_id} data-job={job.job_id}>
              <th scope="row">
                <Link to={`/monitor/jobs/${job.job_id}`}>
                  <code>{job.job_id.slice(0, 8)}</code>
                  <span className="visually-hidden"> (job {job.job_id})</span>
                </Link>
              </th>
              <td>
                <StatusText status={job.status} />
                {job.status === "PROCESSING" ? ` ${job.progress}%` : null}
                {job.cache_hit ? <span className="badge">cache</span> : null}
              </td>
              <td>{job.owner}</td>
              <td>{job.queue}</td>
              <td>{job.worker ? <code>{job.worker}</code> : "—"}</td>
              <td className="num">{job.attempts}</td>
              <td>{formatInstant(job.created_at)}</td>
              <td className="error-cell">{job.error_message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
