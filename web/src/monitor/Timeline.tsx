// A job's timeline, oldest first: what happened, when, on which worker and attempt.
import type { Schemas } from "../api/client";
import { formatInstant } from "../lib/time";


const LABELS: Record<string, string> = {
  submitted: "Submitted",
  answered_from_cache: "Answered from the cache",
  queued: "Queued",
  claimed: "Claimed",
  retry_scheduled: "Attempt failed; retry scheduled",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  requeued: "Queued again after Redis lost its data",
  retried: "Retried",
  recovered: "Recovered from a lost worker",
  rate_limited: "Waiting for the model's rate limit",
};

export function Timeline({ events }: { events: Schemas["JobEvent"][] }) {
  return (
    <ol className="timeline">
      {events.map((event, i) => (
        <li key={i} className={`event event-${event.kind}`}>
          <time dateTime={event.at ?? undefined}>{formatInstant(event.at)}</time>
          <span className="event-kind">{LABELS[event.kind] ?? event.kind}</span>
          <span className="event-facts">
            {[
              event.worker ? `worker ${event.worker}` : null,
              event.attempt ? `attempt ${event.attempt}` : null,
              event.error_class ? event.error_class : null,
            ]
              .filter(Boolean)
              .join(" · ")}
          </span>
          {event.detail ? <span className="event-detail">{event.detail}</span> : null}
        </li>
      ))}
    </ol>
  );
}
