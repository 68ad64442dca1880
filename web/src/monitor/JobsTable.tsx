// A page of every user's jobs: which, whose, how it stands, where it ran.
import type { AdminJob } from "./queries";
import { ShortJobId } from "./ShortJobId";
import { StatusText } from "../components/StatusText";
import { formatInstant } from "../lib/time";

export function JobsTable({ jobs }: { jobs: AdminJob[] }) {
  return (
    <div className="table-wrap">
      <table className="history stack jobs-table">
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
                <ShortJobId jobId={job.job_id} />
              </th>
              <td data-label="Status">
                <StatusText status={job.status} />
                {job.status === "PROCESSING" ? ` ${job.progress}%` : null}
                {job.cache_hit ? <span className="badge">cache</span> : null}
              </td>
              <td data-label="Owner">{job.owner}</td>
              <td data-label="Queue">{job.queue}</td>
              <td data-label="Worker">{job.worker ? <code>{job.worker}</code> : "—"}</td>
              <td className="num" data-label="Attempts">{job.attempts}</td>
              <td data-label="Submitted">{formatInstant(job.created_at)}</td>
              <td className="error-cell" data-label="Error">{job.error_message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
