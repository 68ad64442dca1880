// Copies a value (a job's full id) to the clipboard, and says so.
import { useState } from "react";

export function CopyButton({ value, what }: { value: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="small copy"
      aria-label={`Copy ${what}`}
      onClick={() =>
        void navigator.clipboard.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? "Copied" : "Copy"}
      <span className="visually-hidden" aria-live="polite">
        {copied ? ` ${what} copied` : ""}
      </span>
    </button>
  );
}
