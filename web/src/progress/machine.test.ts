// The progress state machine: live over the stream, polling after the stream fails, done
// at a terminal status, never backwards, and a reload that starts from the job found again.
import { describe, expect, it } from "vitest";

import type { Job } from "../api/client";
import { describe as statusLine, milestone, reduce, start } from "./machine";

const ID = "01a23141-2d93-70ae-aa80-e76d5acdcc1d";

function job(status: Job["status"], progress: number, extra: Partial<Job> = {}): Job {
  return {
    job_id: ID,
    candidate_id: 1,
    status,
    progress,
    file_type: "pdf",
    priority: "default",
    cache_hit: false,
    kind: "generate",
    attempts: 1,
    prompt_tokens: 0,
    completion_tokens: 0,
    generation_ms: 0,
    ...extra,
  };
}

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

  it("stays done: a late answer or a lost stream changes nothing", () => {
    let state = reduce(start(ID), { type: "job", job: job("CANCELLED", 30) });
    const done = state;
    state = reduce(state, { type: "job", job: job("PROCESSING", 70) });
    state = reduce(state, { type: "stream-lost" });
    expect(state).toBe(done);
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
    expect(statusLine(job("PENDING", 0, { attempts: 0 }), 0)).toContain("no worker is online");
    expect(statusLine(job("PENDING", 0, { attempts: 0 }), 2)).toBe("Queued: waiting for a worker…");
    expect(statusLine(job("PENDING", 10, { attempts: 1 }), 2)).toBe("Waiting to try again…");
    expect(statusLine(job("PROCESSING", 40, { attempts: 2 }), 2)).toBe("Writing the tailored content… (attempt 2)");
    expect(statusLine(job("FAILURE", 30, { error_message: "the model refused the API key" }), 1)).toBe(
      "the model refused the API key",
    );
    expect(milestone(job("PROCESSING", 90))).toBe("Finishing");
    expect(milestone(job("SUCCESS", 100))).toBe("Your resume is ready");
  });
});
