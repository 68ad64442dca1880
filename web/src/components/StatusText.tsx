// A job's status in words, coloured by outcome.
export function StatusText({ status }: { status: string }) {
  return <span className={`status status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}
