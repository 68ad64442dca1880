// The letter editor's form: what the recruiter may change in a finished cover letter (the
// greeting, each paragraph and their order, the closing) with the server's limits, and the
// conversions to and from the API's CoverLetterContent. The signature is the candidate's
// (or, anonymised, their label): it passes through unchanged. The server also refuses a
// name or number the candidate's data lacks, naming the paragraph.
import { z } from "zod";

import type { CoverLetterContent } from "../api/client";

const line = (max: number) => z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);

export const letterSchema = z.object({
  greeting: line(300),
  paragraphs: z
    .array(z.object({ value: line(3000) }))
    .min(1, "At least one paragraph")
    .max(6, "At most 6 paragraphs"),
  closing: line(100),
  signature: z.string(),
});

export type LetterForm = z.input<typeof letterSchema>;

export function toLetterForm(letter: CoverLetterContent): LetterForm {
  return { ...letter, paragraphs: letter.paragraphs.map((value) => ({ value })) };
}

export function toLetter(form: z.output<typeof letterSchema>): CoverLetterContent {
  return { ...form, paragraphs: form.paragraphs.map((p) => p.value) };
}
