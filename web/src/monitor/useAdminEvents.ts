// The console's live feed: while live updates are on, the operators' event stream keeps
// the queues and workers as the server sends them and, on any job's transition, refreshes
// the job views (at most every 300 ms); it reconnects when the stream drops, and reads
// everything again on each (re)connection.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api } from "../api/client";
import { readEvents } from "../api/events";
import { adminKeys } from "./queries";

const RECONNECT_MS = 2000;
const REFRESH_MS = 300;

export function useAdminEvents(live: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!live) return;
    const stop = new AbortController();
    let refresh: ReturnType<typeof setTimeout> | null = null;
    const refreshJobs = () => {
      refresh ??= setTimeout(() => {
        refresh = null;
        void client.invalidateQueries({ queryKey: adminKeys.searches });
        void client.invalidateQueries({ queryKey: adminKeys.details });
        void client.invalidateQueries({ queryKey: adminKeys.stats });
      }, REFRESH_MS);
    };
    const onEvent = (name: string, data: unknown) => {
      if (name === "queue") client.setQueryData(adminKeys.queues, data);
      else if (name === "worker") client.setQueryData(adminKeys.workers, data);
      else if (name === "job") refreshJobs();
    };
    void (async () => {
      while (!stop.signal.aborted) {
        // What changed while the stream was not open (paused, or dropped) is read again.
        void client.invalidateQueries({ queryKey: adminKeys.all });
        const call = api.GET("/api/admin/events", {
          headers: { Accept: "text/event-stream" },
          parseAs: "stream",
          signal: stop.signal,
        });
        // Whether it ended or failed, try again shortly (the polling fallback covers the gap).
        await readEvents(call, onEvent).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    })();
    return () => {
      stop.abort();
      if (refresh) clearTimeout(refresh);
    };
  }, [client, live]);
}
