// Times as the app shows them: to the minute for a recruiter, to the second in the console
// (an operator lines events up by them).
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const instant = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function formatTime(value: string | null | undefined): string {
  return value ? when.format(new Date(value)) : "—";
}

export function formatInstant(value: string | null | undefined): string {
  return value ? instant.format(new Date(value)) : "—";
}
