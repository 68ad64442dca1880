// Live updates of the console: on by default (the event stream, and polling behind it),
// paused by the operator to read a page that would otherwise keep moving.
import { createContext, type ReactNode, useContext, useState } from "react";

interface Live {
  live: boolean;
  setLive: (live: boolean) => void;
}

const LiveContext = createContext<Live>({ live: true, setLive: () => {} });

export function LiveProvider({ children }: { children: ReactNode }) {
  const [live, setLive] = useState(true);
  return <LiveContext.Provider value={{ live, setLive }}>{children}</LiveContext.Provider>;
}

export const useLive = () => useContext(LiveContext);

/** The switch: a toggle button whose pressed state is announced. */
export function LiveToggle() {
  const { live, setLive } = useLive();
  return (
    <button type="button" className="small live-toggle" aria-pressed={live} onClick={() => setLive(!live)}>
      <span className={live ? "dot on" : "dot"} aria-hidden="true" />
      {live ? "Live updates on" : "Live updates paused"}
    </button>
  );
}
