// The workers: live ones (where they run, how busy they are, what they did), then those
// lost within the last hour (when, and the jobs whose tasks went back to their queues).
import { ErrorMessage } from "../components/ErrorMessage";
import { useWorkerList } from "./queries";
import { useLive } from "./live";
import { ShortJobId } from "./ShortJobId";
import { formatInstant } from "../lib/time";

export function WorkersTable() {
  const { live } = useLive();
  const workers = useWorkerList(live);
  const rows = workers.data ?? [];
  const alive = rows.filter((w) => w.state === "live").length;
  const lost = rows.length - alive;
  return (
    <section className="panel" aria-labelledby="workers-title">
      <h2 id="workers-title">
        Workers ({alive} live{lost ? `, ${lost} lost in the last hour` : ""})
      </h2>
      <ErrorMessage error={workers.error} />
      {!workers.isPending && rows.length === 0 ? (
        <p className="hint">No worker is live: jobs wait in their queues until one starts.</p>
      ) : (
        <div className="table-wrap">
          <table className="history stack">
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">State</th>
                <th scope="col">Host</th>
                <th scope="col">Busy</th>
                <th scope="col">Done</th>
                <th scope="col">Failed</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((worker) => (
                <tr key={`${worker.state}-${worker.id}`} data-worker={worker.id}>
                  <th scope="row"><code>{worker.id}</code></th>
                  <td data-label="State">
                    {worker.state === "lost" ? (
                      <>
                        <span className="state paused">Lost</span> {formatInstant(worker.lost_at)}
                        <HeldJobs ids={worker.held_job_ids} />
                      </>
                    ) : (
                      <span className="state running">Live</span>
                    )}
                  </td>
                  <td data-label="Host">{worker.host}</td>
                  <td className="num" data-label="Busy">{worker.state === "lost" ? "—" : `${worker.active} of ${worker.concurrency}`}</td>
                  <td className="num" data-label="Done">{worker.processed}</td>
                  <td className="num" data-label="Failed">{worker.failed}</td>
                  <td data-label="Last heartbeat">{formatInstant(worker.last_heartbeat)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The jobs a lost worker held, each linked to its timeline. */
function HeldJobs({ ids }: { ids: string[] }) {
  if (ids.length === 0) return <span className="hint"> (held no task)</span>;
  return (
    <span className="held">
      {" "}
      held {ids.length === 1 ? "1 job" : `${ids.length} jobs`}, back in their queues:{" "}
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 ? ", " : null}
          <ShortJobId jobId={id} copy={false} />
        </span>
      ))}
    </span>
  );
}
