// The console's frame: its sections, the live-updates switch, and a gate that shows the
// console only to `ops` and `admin` tokens (the API refuses anyone else all the same).
import { NavLink, Outlet } from "react-router";

import { useOperator } from "../auth/session";
import { LiveProvider, LiveToggle, useLive } from "./live";
import { PausedNotice } from "./PausedNotice";
import { useAdminEvents } from "./useAdminEvents";

const SECTIONS = [
  { to: "/monitor", label: "Dashboard", end: true },
  { to: "/monitor/jobs", label: "Jobs", end: false },
  { to: "/monitor/errors", label: "Errors", end: false },
  { to: "/monitor/workers", label: "Workers", end: false },
  { to: "/monitor/audit", label: "Audit log", end: false },
];

export function MonitorLayout() {
  const { reads } = useOperator();
  if (!reads) {
    return (
      <main id="main">
        <h1>Console</h1>
        <p>The console is for operators: sign in with a token that has the ops or admin role.</p>
      </main>
    );
  }
  return (
    <LiveProvider>
      <div className="monitor">
        <nav className="monitor-nav" aria-label="Console">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.to}>
                <NavLink to={section.to} end={section.end}>
                  {section.label}
                </NavLink>
              </li>
            ))}
          </ul>
          <LiveToggle />
        </nav>
        <LiveFeed />
        <div className="monitor-notices">
          <PausedNotice />
        </div>
        <Outlet />
      </div>
    </LiveProvider>
  );
}

/** Follows the operators' event stream while live updates are on. */
function LiveFeed() {
  useAdminEvents(useLive().live);
  return null;
}
