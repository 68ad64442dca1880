// Times as the console shows them: to the second (an operator lines events up by them).
const instant = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function formatInstant(value: string | null | undefined): string {
  return value ? instant.format(new Date(value)) : "—";
}
