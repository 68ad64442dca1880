// On every console page: which queues are paused (their jobs wait; submissions are still
// accepted), so a pause is never forgotten on another page.
import { Link } from "react-router";

import { useLive } from "./live";
import { useQueues } from "./queries";

export function PausedNotice() {
  const { live } = useLive();
  const paused = (useQueues(live).data ?? []).filter((queue) => queue.paused);
  if (paused.length === 0) return null;
  const names = paused.map((queue) => queue.name).join(" and ");
  const waiting = paused.reduce((sum, queue) => sum + queue.pending, 0);
  return (
    <p className="paused-notice" role="status">
      <strong>Paused:</strong> {names} ({waiting} {waiting === 1 ? "job waits" : "jobs wait"}; submissions are still
      accepted). <Link to="/monitor">Resume it on the dashboard</Link>
    </p>
  );
}
