// The buttons that render an edited resume or letter in a new job, one per format, each
// named for its format inside a group named for what is downloaded.
import type { FileType } from "../api/client";
import { formatLabel } from "../lib/history";

const FILE_TYPES: FileType[] = ["word", "pdf", "text", "markdown"];

interface Props {
  /** What is downloaded: "resume", "cover letter". */
  what: string;
  pending: boolean;
  /** The click handler that renders the edit as `fileType`. */
  renderAs: (fileType: FileType) => () => void;
}

export function DownloadEditedAs({ what, pending, renderAs }: Props) {
  return (
    <div className="actions" role="group" aria-label={`Download the edited ${what}`}>
      <span className="hint">Download edited as</span>
      {FILE_TYPES.map((fileType) => (
        <button key={fileType} type="button" onClick={renderAs(fileType)} disabled={pending}>
          {formatLabel(fileType)}
        </button>
      ))}
    </div>
  );
}
