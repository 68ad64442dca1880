// What a regeneration changed, compared with the resume of the same request before it:
// "the same text" (the offline generator builds it from the candidate's data alone), or the
// lines removed and added.
import type { Job } from "../api/client";
import { useContent, useReadiness } from "../api/queries";
import { diffContent } from "../lib/contentDiff";
import { formatTime } from "../lib/time";

export function ChangesSince({ job, earlier }: { job: Job; earlier: Job }) {
  const now = useContent(job.job_id);
  const before = useContent(earlier.job_id);
  const offline = useReadiness(false).data?.modelConfigured === false;
  if (!now.data || !before.data) return null;
  const { removed, added } = diffContent(before.data, now.data);
  const when = formatTime(earlier.completed_at);
  if (removed.length === 0 && added.length === 0) {
    return (
      <p className="hint changes">
        Same text as the resume of {when}
        {offline ? ": the offline generator makes the same resume from the same data." : "."}
      </p>
    );
  }
  return (
    <details className="changes">
      <summary>
        What changed since the resume of {when} ({removed.length} removed, {added.length} added)
      </summary>
      <ul className="diff">
        {removed.map((line) => (
          <li key={`-${line}`} className="removed">
            <span className="visually-hidden">Removed: </span>
            {line}
          </li>
        ))}
        {added.map((line) => (
          <li key={`+${line}`} className="added">
            <span className="visually-hidden">Added: </span>
            {line}
          </li>
        ))}
      </ul>
    </details>
  );
}
