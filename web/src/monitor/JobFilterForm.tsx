// The job search's fields; applying them puts the search in the address bar.
import { type FormEvent, type ReactNode, useId } from "react";

import type { JobFilter } from "./queries";
import { isoToLocal, localToIso, QUEUES, queueOf, STATUSES, statusOf } from "./filter";
import { statusLabel } from "../components/StatusText";

interface Props {
  filter: JobFilter;
  onApply: (filter: JobFilter) => void;
}

export function JobFilterForm({ filter, onApply }: Props) {
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    const candidate = Number(form.get("candidate_id"));
    onApply({
      status: statusOf(text("status")),
      owner: text("owner"),
      candidate_id: Number.isInteger(candidate) && candidate > 0 ? candidate : undefined,
      queue: queueOf(text("queue")),
      worker: text("worker"),
      error_group: text("error_group"),
      q: text("q"),
      since: localToIso(String(form.get("since") ?? "")),
      until: localToIso(String(form.get("until") ?? "")),
    });
  };
  // Re-mounted whenever the applied filter changes, so the fields show it.
  const key = JSON.stringify(filter);
  const field = (name: string, label: string, input: ReactNode) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      {input}
    </div>
  );
  return (
    <form key={key} className="panel filters" onSubmit={submit} role="search" aria-label="Search jobs">
      <div className="filter-grid">
        {field(
          "status",
          "Status",
          <select id={`${id}-status`} name="status" defaultValue={filter.status ?? ""}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>,
        )}
        {field(
          "queue",
          "Queue",
          <select id={`${id}-queue`} name="queue" defaultValue={filter.queue ?? ""}>
            <option value="">Any</option>
            {QUEUES.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>,
        )}
        {field("owner", "Owner (user id)", <input id={`${id}-owner`} name="owner" defaultValue={filter.owner ?? ""} />)}
        {field(
          "candidate_id",
          "Candidate id",
          <input id={`${id}-candidate_id`} name="candidate_id" inputMode="numeric" defaultValue={filter.candidate_id ?? ""} />,
        )}
        {field("worker", "Worker", <input id={`${id}-worker`} name="worker" defaultValue={filter.worker ?? ""} />)}
        {field(
          "error_group",
          "Error group",
          <input id={`${id}-error_group`} name="error_group" defaultValue={filter.error_group ?? ""} />,
        )}
        {field("q", "Error text", <input id={`${id}-q`} name="q" type="search" defaultValue={filter.q ?? ""} />)}
        {field(
          "since",
          "Submitted from",
          <input id={`${id}-since`} name="since" type="datetime-local" defaultValue={isoToLocal(filter.since)} />,
        )}
        {field(
          "until",
          "Submitted before",
          <input id={`${id}-until`} name="until" type="datetime-local" defaultValue={isoToLocal(filter.until)} />,
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Search
        </button>
        <button type="button" onClick={() => onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}
