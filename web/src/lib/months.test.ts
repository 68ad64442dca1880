// Dates as people read them, and the newest-first order of roles.
import { describe, expect, it } from "vitest";

import { formatMonth, newestFirst, period, sortedNewestFirst } from "./months";

describe("months", () => {
  it("reads as a month and a year", () => {
    expect(formatMonth("2021-04")).toBe("Apr 2021");
    expect(formatMonth("2015")).toBe("2015");
    expect(period("2020-01", null)).toBe("Jan 2020 – present");
    expect(period("2012", "2015")).toBe("2012 – 2015");
    expect(period(null, null)).toBeNull();
  });

  it("knows newest first, a current role leading", () => {
    const current = { start: "2018-03", end: "" };
    const older = { start: "2019-01", end: "2019-12" };
    const oldest = { start: "2010", end: "2012" };
    expect(newestFirst([current, older, oldest])).toBe(true);
    expect(newestFirst([oldest, older])).toBe(false);
    expect(sortedNewestFirst([oldest, older, current])).toEqual([current, older, oldest]);
  });
});
