// A batch's items in the order the recruiter asks for: as submitted, or best fit first.
import type { BatchItem } from "../api/batches";

export type ItemOrder = "submitted" | "fit";

/** `items` best fit first (those without a fit last, each group as submitted), or as submitted. */
export function ordered(items: BatchItem[], order: ItemOrder): BatchItem[] {
  if (order === "submitted") return items;
  return [...items].sort((a, b) => (b.fit ?? -1) - (a.fit ?? -1));
}
