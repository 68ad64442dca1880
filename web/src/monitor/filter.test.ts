import { describe, expect, it } from "vitest";

import { filterFromParams, isoToLocal, localToIso, paramsFromFilter } from "./filter";

describe("job search in the address bar", () => {
  it("keeps what is set and drops what is empty or malformed", () => {
    const params = new URLSearchParams("status=FAILURE&owner=%20&candidate_id=x&q=refused&error_group=abc");
    expect(filterFromParams(params)).toEqual({ status: "FAILURE", q: "refused", error_group: "abc" });
    expect(filterFromParams(new URLSearchParams("candidate_id=7")).candidate_id).toBe(7);
    expect(filterFromParams(new URLSearchParams("candidate_id=-1")).candidate_id).toBeUndefined();
  });

  it("round-trips a filter", () => {
    const filter = { status: "PENDING" as const, candidate_id: 3, since: "2026-12-01T10:00:00.000Z" };
    expect(filterFromParams(paramsFromFilter(filter))).toEqual(filter);
    expect(paramsFromFilter({ owner: undefined, q: "" }).toString()).toBe("");
    expect(filterFromParams(new URLSearchParams("status=DONE")).status).toBeUndefined();
    expect(filterFromParams(new URLSearchParams("queue=priority_high&queue=x")).queue).toBe("priority_high");
    expect(filterFromParams(new URLSearchParams("queue=nope")).queue).toBeUndefined();
  });

  it("turns local times into UTC and back", () => {
    const iso = localToIso("2026-12-01T10:30");
    expect(iso).toMatch(/^2026-12-01T\d\d:30:00\.000Z$/);
    expect(isoToLocal(iso)).toBe("2026-12-01T10:30");
    expect(localToIso("")).toBeUndefined();
    expect(isoToLocal("not a time")).toBe("");
  });
});
