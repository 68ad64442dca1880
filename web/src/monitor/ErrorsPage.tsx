// Failures and retried attempts of the last 30 days grouped by cause, largest first; each
// group links to its jobs.
import { Link } from "react-router";

import { ErrorMessage } from "../components/ErrorMessage";
import { useErrorGroups } from "./queries";
import { useLive } from "./live";
import { formatInstant } from "./time";

export function ErrorsPage() {
  const { live } = useLive();
  const groups = useErrorGroups(live);
  const rows = groups.data ?? [];
  return (
    <main id="main">
      <h1>Errors</h1>
      <p className="lead">
        The last 30 days' failures and retried attempts, grouped by class and message (ids, numbers and times stripped).
      </p>
      <ErrorMessage error={groups.error} />
      {!groups.isPending && rows.length === 0 && !groups.error ? <p className="empty">No errors in the last 30 days.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="history errors-table">
            <thead>
              <tr>
                <th scope="col">Error</th>
                <th scope="col">Times</th>
                <th scope="col">Jobs</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col"><span className="visually-hidden">Links</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((group) => (
                <tr key={group.id}>
                  <th scope="row">
                    <code>{group.class}</code>
                    <span className="group-message">{group.message}</span>
                  </th>
                  <td className="num">{group.count}</td>
                  <td className="num">{group.jobs}</td>
                  <td>{formatInstant(group.first_seen)}</td>
                  <td>{formatInstant(group.last_seen)}</td>
                  <td>
                    <Link to={`/monitor/jobs?error_group=${group.id}`}>
                      Jobs<span className="visually-hidden"> with {group.class}</span>
                    </Link>{" "}
                    · <Link to={`/monitor/jobs/${group.sample_job_id}`}>Sample</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </main>
  );
}
