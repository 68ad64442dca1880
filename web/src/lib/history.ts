// A candidate's resumes and letters as the history tells them apart: what kind each is
// (generated, regenerated, edited, reused), the document and format in words, the name an
// edited file is saved under, and the earlier one a reused one came from.
import type { DocumentKind, FileType, Job } from "../api/client";

export type Kind = "generated" | "regenerated" | "edited" | "reused";

const FORMATS: Record<FileType, string> = { word: "Word", pdf: "PDF", text: "Text", markdown: "Markdown" };

export function formatLabel(fileType: FileType): string {
  return FORMATS[fileType];
}

const DOCUMENTS: Record<DocumentKind, string> = { resume: "Resume", cover_letter: "Cover letter" };

/** What a job made, in words: "Resume", "Cover letter", "Cover letter, anonymised". */
export function documentLabel(job: Pick<Job, "document" | "anonymize">): string {
  return job.anonymize ? `${DOCUMENTS[job.document]}, anonymised` : DOCUMENTS[job.document];
}

/** The same request (document, target job and format), made into a file by the model or the generator. */
function madeFor(job: Job, other: Job): boolean {
  return (
    other.job_id !== job.job_id &&
    other.document === job.document &&
    other.anonymize === job.anonymize &&
    (other.job_row_id ?? null) === (job.job_row_id ?? null) &&
    other.file_type === job.file_type &&
    other.status === "SUCCESS" &&
    !other.cache_hit &&
    !other.edited_from
  );
}

/** Jobs are compared by id: UUIDv7 ids sort by creation time. */
const olderThan = (job: Job) => (other: Job) => other.job_id < job.job_id;

/** What kind of resume `job` is, among `jobs` (the candidate's, any order). */
export function kindOf(job: Job, jobs: Job[]): Kind {
  if (job.edited_from) return "edited";
  if (job.cache_hit) return "reused";
  return jobs.filter(olderThan(job)).some((other) => madeFor(job, other)) ? "regenerated" : "generated";
}

/**
 * The newest earlier resume of the same request, made anew (not reused, not an edit), if
 * loaded: what a reused one came from, what a regenerated one is compared with.
 */
export function earlierOf(job: Job, jobs: Job[]): Job | null {
  const earlier = jobs.filter(olderThan(job)).filter((other) => madeFor(job, other));
  return earlier.reduce<Job | null>((newest, other) => (newest && newest.job_id > other.job_id ? newest : other), null);
}

/** The name a job's file is saved under: an edit's own (`…_Resume_edited.pdf`), so that it never replaces the original. */
export function savedName(job: Pick<Job, "filename" | "edited_from">): string {
  const name = job.filename ?? "resume";
  if (!job.edited_from) return name;
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)}_edited${name.slice(dot)}` : `${name}_edited`;
}
