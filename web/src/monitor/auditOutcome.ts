// What an operator's action did, in words that fit the action (a pause changes a queue,
// not "0 matched"; a bulk action matched some jobs and changed some of them).
import type { Schemas } from "../api/client";

type Entry = Pick<Schemas["AuditEntry"], "action" | "matched" | "changed">;

const jobs = (n: number) => `${n} ${n === 1 ? "job" : "jobs"}`;

export function outcome({ action, matched, changed }: Entry): string {
  switch (action) {
    case "retry":
      return changed ? "Queued again" : "No change (it had not failed or been cancelled)";
    case "cancel":
      return changed ? "Cancelled" : "No change (it had already ended)";
    case "bulk_retry":
      return `${jobs(matched)} matched; ${changed} queued again`;
    case "bulk_cancel":
      return `${jobs(matched)} matched; ${changed} cancelled`;
    case "pause":
      return changed ? "Paused" : "No change (it was already paused)";
    case "resume":
      return changed ? "Resumed" : "No change (it was not paused)";
    default:
      return `${matched} matched, ${changed} changed`;
  }
}
