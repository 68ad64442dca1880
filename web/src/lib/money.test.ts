import { describe, expect, it } from "vitest";

import { usd } from "./money";

describe("dollars", () => {
  it("show cents from a dollar up and up to four decimals below", () => {
    expect(usd(5)).toBe("$5.00");
    expect(usd(12.3456)).toBe("$12.35");
    expect(usd(0.44)).toBe("$0.44");
    expect(usd(0.0044)).toBe("$0.0044");
    expect(usd(0)).toBe("$0.00");
    expect(usd(null)).toBe("—");
  });
});
