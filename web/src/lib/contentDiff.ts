// What changed between two contents of one resume (a regeneration and the one before it),
// line by line: each headline, summary, skill and bullet as a line named for where it is.
import type { Content } from "../api/client";

export interface ContentDiff {
  removed: string[];
  added: string[];
}

function lines(content: Content): string[] {
  return [
    ...(content.headline ? [`Headline: ${content.headline}`] : []),
    ...(content.summary ? [`Summary: ${content.summary}`] : []),
    ...(content.skills ?? []).map((skill) => `Skill: ${skill}`),
    ...(content.experience ?? []).flatMap((role) =>
      (role.highlights ?? []).map((bullet) => `${role.title}, ${role.company}: ${bullet}`),
    ),
  ];
}

/** The lines only `before` has and those only `after` has (none of either: the same text). */
export function diffContent(before: Content, after: Content): ContentDiff {
  const [old, now] = [lines(before), lines(after)];
  return { removed: old.filter((line) => !now.includes(line)), added: now.filter((line) => !old.includes(line)) };
}
