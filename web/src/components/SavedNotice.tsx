// What a save says on the page it leads to ("Changes saved."), announced politely; it
// travels in the navigation's state (a shared link shows none).
import { useLocation } from "react-router";

interface Saved {
  saved: string;
}

/** The navigation state that makes the next page say `message`. */
export function savedNotice(message: string): Saved {
  return { saved: message };
}

function isSaved(state: unknown): state is Saved {
  return typeof state === "object" && state !== null && typeof (state as Saved).saved === "string";
}

export function SavedNotice() {
  const state: unknown = useLocation().state;
  if (!isSaved(state)) return null;
  return (
    <p className="notice" role="status">
      {state.saved}
    </p>
  );
}
