// The candidates list's search and order: a search matches the name, a company worked for
// or a skill (any case, any accents); the list is ordered by name or by last activity
// (the newest resume made for them, else when they were added).
import type { Candidate } from "../api/client";

export type Order = "activity" | "name";

const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();

/** Whether `candidate` matches `query` (every word of it, in the name, a company or a skill). */
export function matches(candidate: Candidate, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(
    [candidate.full_name, ...(candidate.experience ?? []).map((role) => role.company), ...(candidate.skills ?? [])].join("\n"),
  );
  return words.every((word) => haystack.includes(word));
}

/** When a candidate was last worked on: their newest resume's time, else when they were added. */
export function lastActivity(candidate: Candidate, newestJob: ReadonlyMap<number, string>): string {
  return (candidate.id != null ? newestJob.get(candidate.id) : undefined) ?? candidate.created_at ?? "";
}

/** `candidates` in `order` (a new array). */
export function ordered(candidates: Candidate[], order: Order, newestJob: ReadonlyMap<number, string>): Candidate[] {
  const copy = [...candidates];
  if (order === "name") return copy.sort((a, b) => a.full_name.localeCompare(b.full_name));
  return copy.sort((a, b) => lastActivity(b, newestJob).localeCompare(lastActivity(a, newestJob)));
}
