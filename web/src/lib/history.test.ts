// The history's kinds, the reused resume's origin and an edit's file name.
import { describe, expect, it } from "vitest";

import type { Job } from "../api/client";
import { jobFixture } from "../api/jobFixture";
import { earlierOf, formatLabel, kindOf, savedName } from "./history";

let next = 0;
function job(extra: Partial<Job> = {}): Job {
  next += 1;
  const job_id = `0190a000-0000-7000-8000-${String(next).padStart(12, "0")}`;
  return jobFixture({ job_id, job_row_id: 2, filename: "Ada_Lovelace_Resume.pdf", ...extra });
}

describe("the history", () => {
  it("tells generated, regenerated, edited and reused resumes apart", () => {
    const first = job();
    const otherTarget = job({ job_row_id: 3 });
    const edited = job({ edited_from: first.job_id });
    const reused = job({ cache_hit: true });
    const again = job();
    const word = job({ file_type: "word" });
    const jobs = [word, again, reused, edited, otherTarget, first];
    expect(jobs.map((j) => kindOf(j, jobs))).toEqual(["generated", "regenerated", "reused", "edited", "generated", "generated"]);
    expect(earlierOf(reused, jobs)).toBe(first);
    expect(earlierOf(again, jobs)).toBe(first);
    expect(earlierOf(first, jobs)).toBeNull();
    expect(earlierOf(job({ cache_hit: true, file_type: "markdown" }), jobs)).toBeNull();
  });

  it("names formats and edited files", () => {
    expect(formatLabel("pdf")).toBe("PDF");
    expect(formatLabel("word")).toBe("Word");
    expect(savedName({ filename: "Ada_Lovelace_Resume.pdf", edited_from: "x" })).toBe("Ada_Lovelace_Resume_edited.pdf");
    expect(savedName({ filename: "Ada_Lovelace_Resume.pdf", edited_from: null })).toBe("Ada_Lovelace_Resume.pdf");
  });
});
