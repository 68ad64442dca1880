// The progress state machine: live over the stream, polling after the stream fails, done
// at a terminal status, never backwards, and a reload that starts from the job found again.
import { describe, expect, it } from "vitest";

import type { Job } from "../api/client";
import { jobFixture } from "../api/jobFixture";
import { describe as statusLine, milestone, reduce, start } from "./machine";

const ID = "01a23141-2d93-70ae-aa80-e76d5acdcc1d";

const job = (status: Job["status"], progress: number, extra: Partial<Job> = {}) =>
  jobFixture({ job_id: ID, status, progress, ...extra });

describe("following a job", () => {
  it("goes live, then falls back to polling when the stream fails, then ends", () => {
    let state = start(ID);
    expect(state.mode).toBe("live");
    state = reduce(state, { type: "job", job: job("PROCESSING", 30) });
    expect(state).toMatchObject({ mode: "live", job: { progress: 30 } });
    state = reduce(state, { type: "stream-lost" });
    expect(state.mode).toBe("polling");
    state = reduce(state, { type: "job", job: job("PROCESSING", 70) });
    expect(state).toMatchObject({ mode: "polling", job: { progress: 70 } });
    state = reduce(state, { type: "job", job: job("SUCCESS", 100, { filename: "Ada_Lovelace_Resume.pdf" }) });
    expect(state).toMatchObject({ mode: "done", job: { status: "SUCCESS", progress: 100 } });
  });

  it("keeps the content written so far until the next one, and drops it at the end", () => {
    const soFar = { full_name: "Ada Lovelace", summary: "Wrote the first program.", skills: [], experience: [] };
    let state = reduce(start(ID), { type: "job", job: job("PROCESSING", 30, { content_so_far: soFar }) });
    state = reduce(state, { type: "job", job: job("PROCESSING", 40) });
    expect(state.job?.content_so_far).toEqual(soFar);
    state = reduce(state, { type: "job", job: job("SUCCESS", 100) });
    expect(state.job?.content_so_far).toBeNull();
  });

  it("stays done: a late answer or a lost stream changes nothing", () => {
    let state = reduce(start(ID), { type: "job", job: job("CANCELLED", 30) });
    const done = state;
    state = reduce(state, { type: "job", job: job("PROCESSING", 70) });
    state = reduce(state, { type: "stream-lost" });
    expect(state).toBe(done);
  });

  it("follows a failed or cancelled job again once an operator retried it", () => {
    const cancelled = reduce(start(ID), { type: "job", job: job("CANCELLED", 30) });
    const again = reduce(cancelled, { type: "checked-again", job: job("PENDING", 0) });
    expect(again).toMatchObject({ mode: "live", job: { status: "PENDING", progress: 0 } });
    expect(reduce(cancelled, { type: "checked-again", job: job("CANCELLED", 30) })).toBe(cancelled);
    // Retried and already done by the next check: shown as it ended this time.
    const succeeded = reduce(cancelled, { type: "checked-again", job: job("SUCCESS", 100) });
    expect(succeeded).toMatchObject({ mode: "done", job: { status: "SUCCESS" } });
    // A success is final.
    const success = reduce(start(ID), { type: "job", job: job("SUCCESS", 100) });
    expect(reduce(success, { type: "checked-again", job: job("PENDING", 0) })).toBe(success);
  });

  it("never shows progress going backwards when answers cross", () => {
    let state = reduce(start(ID), { type: "job", job: job("PROCESSING", 70) });
    state = reduce(state, { type: "job", job: job("PROCESSING", 30, { attempts: 2 }) });
    expect(state.job).toMatchObject({ progress: 70, attempts: 2 });
  });

  it("ignores states of another job", () => {
    const state = reduce(start(ID), { type: "job", job: { ...job("SUCCESS", 100), job_id: "another" } });
    expect(state.job).toBeNull();
  });

  it("resumes after a reload from the job found again", () => {
    const found = job("PROCESSING", 30);
    expect(start(ID, found)).toEqual({ jobId: ID, job: found, mode: "live" });
    expect(start(ID, job("SUCCESS", 100)).mode).toBe("done");
    expect(start(ID, { ...found, job_id: "another" }).job).toBeNull();
  });

  it("words each stage for the status line and the live region", () => {
    const live = (workers: number | null) => ({ workers, pausedQueues: [] });
    expect(statusLine(job("PENDING", 0, { attempts: 0 }), live(0))).toContain("no worker is online");
    expect(statusLine(job("PENDING", 0, { attempts: 0 }), live(2))).toBe("Queued: waiting for a worker…");
    expect(statusLine(job("PENDING", 10, { attempts: 1 }), live(2))).toBe("Waiting to try again…");
    expect(statusLine(job("PROCESSING", 40, { attempts: 2 }), live(2))).toBe("Writing the tailored content… (attempt 2)");
    expect(statusLine(job("FAILURE", 30, { error_message: "the model refused the API key" }), live(1))).toBe(
      "the model refused the API key",
    );
    // A paused queue is named (whatever the workers), the other queue is not.
    const paused = { workers: 2, pausedQueues: ["resume_generation"] };
    expect(statusLine(job("PENDING", 0, { attempts: 0 }), paused)).toContain("an operator has paused this queue");
    expect(statusLine(job("PENDING", 0, { attempts: 0, priority: "high" }), paused)).toBe("Queued: waiting for a worker…");
    expect(statusLine(job("SUCCESS", 100, { cache_hit: true }), { ...live(1), reusedAt: "5:47 PM" })).toBe(
      "Ready instantly: reused the resume made at 5:47 PM.",
    );
    expect(statusLine(job("SUCCESS", 100, { cache_hit: true }), live(1))).toBe(
      "Ready instantly: reused a resume made earlier from the same data.",
    );
    // What the worker says it is writing, while the stream carries it; the milestone without.
    const writing = job("PROCESSING", 52, { status_text: "Writing experience: 5 of 8 roles" });
    expect(statusLine(writing, live(1))).toBe("Writing experience: 5 of 8 roles…");
    expect(statusLine({ ...writing, status_text: null, attempts: 2 }, live(1))).toBe(
      "Writing the tailored content… (attempt 2)",
    );
    expect(milestone(job("PROCESSING", 10))).toBe("Started");
    expect(milestone(job("PROCESSING", 85))).toBe("Rendering the document");
    expect(milestone(job("PROCESSING", 90))).toBe("Finishing");
    expect(milestone(job("SUCCESS", 100))).toBe("Your resume is ready");
    expect(milestone(job("SUCCESS", 100, { document: "cover_letter" }))).toBe("Your cover letter is ready");
    expect(statusLine(job("SUCCESS", 100, { cache_hit: true, document: "cover_letter" }), live(1))).toBe(
      "Ready instantly: reused a cover letter made earlier from the same data.",
    );
  });
});
