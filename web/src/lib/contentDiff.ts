// What changed between two contents of one resume or letter (a regeneration and the one
// before it), line by line: each headline, summary, skill and bullet (a letter's greeting,
// paragraphs and closing) as a line named for where it is.
import type { Content, JobContent } from "../api/client";

export interface ContentDiff {
  removed: string[];
  added: string[];
}

function lines(made: JobContent): string[] {
  if (made.document === "cover_letter") {
    const letter = made.content;
    return [
      `Greeting: ${letter.greeting}`,
      ...letter.paragraphs.map((paragraph, i) => `Paragraph ${i + 1}: ${paragraph}`),
      `Closing: ${letter.closing}`,
    ];
  }
  return resumeLines(made.content);
}

function resumeLines(content: Content): string[] {
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
export function diffContent(before: JobContent, after: JobContent): ContentDiff {
  const [old, now] = [lines(before), lines(after)];
  return { removed: old.filter((line) => !now.includes(line)), added: now.filter((line) => !old.includes(line)) };
}
