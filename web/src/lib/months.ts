// The candidate's dates ("YYYY" or "YYYY-MM") as people read them ("Apr 2021"), and the
// order of roles a resume expects (newest first).
const monthYear = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });

/** "2021-04" → "Apr 2021"; "2021" stays "2021"; anything else as it is. */
export function formatMonth(value: string): string {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value);
  if (!match) return value;
  return monthYear.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
}

/** "Apr 2021 – present", "2012 – 2015", or null when neither end is known. */
export function period(start: string | null | undefined, end: string | null | undefined): string | null {
  if (!start && !end) return null;
  return `${start ? formatMonth(start) : ""} – ${end ? formatMonth(end) : "present"}`;
}

interface Dated {
  start: string;
  end: string;
}

/** Where a role sits in a newest-first list: a current role (no end) first, then by start. */
const recency = (role: Dated) => `${role.end ? "0" : "1"}${role.start}`;

/** Whether `roles` are newest first (by start, current roles first). */
export function newestFirst(roles: Dated[]): boolean {
  return roles.every((role, i) => i === 0 || recency(roles[i - 1]!) >= recency(role));
}

/** `roles` newest first (a new array). */
export function sortedNewestFirst<T extends Dated>(roles: T[]): T[] {
  return [...roles].sort((a, b) => recency(b).localeCompare(recency(a)));
}
