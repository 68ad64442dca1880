// Every operator action, newest first: who did what, when, to which jobs or queue, and
// what came of it.
import { Link } from "react-router";

import { ErrorMessage } from "../components/ErrorMessage";
import { LoadMore } from "../components/LoadMore";
import { outcome } from "./auditOutcome";
import { useAuditLog } from "./queries";
import { useLive } from "./live";
import { formatInstant } from "../lib/time";

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function Target({ action, target }: { action: string; target: string }) {
  if (JOB_ID.test(target)) return <Link to={`/monitor/jobs/${target}`}>{target}</Link>;
  if (action.startsWith("bulk_") && target !== "all jobs") return <Link to={`/monitor/jobs?${target}`}>{target}</Link>;
  return <code>{target}</code>;
}

export function AuditPage() {
  const { live } = useLive();
  const log = useAuditLog(live);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <main id="main">
      <h1>Audit log</h1>
      <ErrorMessage error={log.error} />
      {!log.isPending && entries.length === 0 && !log.error ? <p className="empty">No operator has acted yet.</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table className="history stack">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">On</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, i) => (
                <tr key={`${entry.at}-${i}`}>
                  <td data-label="When">{formatInstant(entry.at)}</td>
                  <td data-label="Who">{entry.user}</td>
                  <td data-label="Action">{entry.action.replace("_", " ")}</td>
                  <td data-label="On">
                    <Target action={entry.action} target={entry.target} />
                  </td>
                  <td data-label="Outcome">{outcome(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore pages={log} label="Older entries" />
    </main>
  );
}
