// The workers with a live heartbeat: where they run, how busy they are, what they did.
import { ErrorMessage } from "../components/ErrorMessage";
import { useWorkerList } from "./queries";
import { useLive } from "./live";
import { formatInstant } from "./time";

export function WorkersTable() {
  const { live } = useLive();
  const workers = useWorkerList(live);
  const rows = workers.data ?? [];
  return (
    <section className="panel" aria-labelledby="workers-title">
      <h2 id="workers-title">Workers ({rows.length} live)</h2>
      <ErrorMessage error={workers.error} />
      {!workers.isPending && rows.length === 0 ? (
        <p className="hint">No worker is live: jobs wait in their queues until one starts.</p>
      ) : (
        <div className="table-wrap">
          <table className="history">
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">Host</th>
                <th scope="col">Busy</th>
                <th scope="col">Done</th>
                <th scope="col">Failed</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((worker) => (
                <tr key={worker.id}>
                  <th scope="row"><code>{worker.id}</code></th>
                  <td>{worker.host}</td>
                  <td className="num">{worker.active} of {worker.concurrency}</td>
                  <td className="num">{worker.processed}</td>
                  <td className="num">{worker.failed}</td>
                  <td>{formatInstant(worker.last_heartbeat)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
