// Failures and retried attempts of the last hour, day, week or 30 days grouped by cause,
// largest first; each group links to its jobs.
import { useMemo, useState } from "react";
import { Link } from "react-router";

import { ErrorMessage } from "../components/ErrorMessage";
import { useErrorGroups } from "./queries";
import { useLive } from "./live";
import { formatInstant } from "../lib/time";
import { WindowChooser, type WindowOption } from "./WindowChooser";

/** Windows in hours. */
const WINDOWS: WindowOption<number>[] = [
  { value: 1, label: "1 hour" },
  { value: 24, label: "24 hours" },
  { value: 24 * 7, label: "7 days" },
  { value: 24 * 30, label: "30 days" },
];

export function ErrorsPage() {
  const { live } = useLive();
  const [hours, setHours] = useState(24 * 30);
  // The window's start, fixed while it is chosen (so that the query key is stable).
  const since = useMemo(() => new Date(Date.now() - hours * 3_600_000).toISOString(), [hours]);
  const groups = useErrorGroups(since, live);
  const rows = groups.data ?? [];
  const label = WINDOWS.find((w) => w.value === hours)?.label ?? "";
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <h1>Errors</h1>
          <p className="lead">
            Failures and retried attempts of the last {label}, grouped by class and message (ids, numbers and times
            stripped).
          </p>
        </div>
        <WindowChooser options={WINDOWS} value={hours} onChange={setHours} />
      </div>
      <ErrorMessage error={groups.error} />
      {!groups.isPending && rows.length === 0 && !groups.error ? <p className="empty">No errors in the last {label}.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="history stack errors-table">
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
                  <td className="num" data-label="Times">{group.count}</td>
                  <td className="num" data-label="Jobs">{group.jobs}</td>
                  <td data-label="First seen">{formatInstant(group.first_seen)}</td>
                  <td data-label="Last seen">{formatInstant(group.last_seen)}</td>
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
