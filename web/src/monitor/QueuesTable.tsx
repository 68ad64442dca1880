// Each queue's waiting and running tasks (and whose tasks wait: the owners the fair queues
// take turns between) and whether it is paused, with Pause and Resume for admins.
import { messageOf } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePauseQueue, useQueues } from "./queries";
import { useLive } from "./live";
import { useOperator } from "../auth/session";

export function QueuesTable() {
  const { live } = useLive();
  const { acts } = useOperator();
  const queues = useQueues(live);
  const pause = usePauseQueue();
  return (
    <section className="panel" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <ErrorMessage error={queues.error} />
      {pause.error ? <div className="alert" role="alert">{messageOf(pause.error)}</div> : null}
      <div className="table-wrap">
        <table className="history stack">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Waiting</th>
              <th scope="col">Waiting per owner</th>
              <th scope="col">Running</th>
              <th scope="col">State</th>
              {acts ? <th scope="col"><span className="visually-hidden">Action</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {(queues.data ?? []).map((queue) => (
              <tr key={queue.name} data-queue={queue.name}>
                <th scope="row"><code>{queue.name}</code></th>
                <td className="num" data-label="Waiting">{queue.pending}</td>
                <td data-label="Waiting per owner" className="owners">
                  {queue.waiting_by_owner.length === 0
                    ? "—"
                    : queue.waiting_by_owner.map((owner) => `${owner.owner} ${owner.waiting}`).join(" · ")}
                </td>
                <td className="num" data-label="Running">{queue.in_progress}</td>
                <td data-label="State">
                  {queue.paused ? <span className="state paused">Paused</span> : <span className="state running">Running</span>}
                </td>
                {acts ? (
                  <td>
                    <button
                      type="button"
                      className="small"
                      disabled={pause.isPending}
                      onClick={() => pause.mutate({ name: queue.name, pause: !queue.paused })}
                    >
                      {queue.paused ? "Resume" : "Pause"}
                      <span className="visually-hidden"> {queue.name}</span>
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">A paused queue still accepts submissions; workers take nothing from it until it is resumed.</p>
    </section>
  );
}
