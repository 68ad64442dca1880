// A job's status in words ("Success"), coloured by outcome.

/** "SUCCESS" → "Success". */
export function statusLabel(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

export function StatusText({ status }: { status: string }) {
  return <span className={`status status-${status.toLowerCase()}`}>{statusLabel(status)}</span>;
}
