// Each audited action says what it did in its own terms.
import { describe, expect, it } from "vitest";

import { outcome } from "./auditOutcome";

describe("an audit entry's outcome", () => {
  it("words each action as it acts", () => {
    expect(outcome({ action: "pause", matched: 0, changed: 1 })).toBe("Paused");
    expect(outcome({ action: "resume", matched: 0, changed: 0 })).toBe("No change (it was not paused)");
    expect(outcome({ action: "bulk_cancel", matched: 3, changed: 2 })).toBe("3 jobs matched; 2 cancelled");
    expect(outcome({ action: "bulk_retry", matched: 1, changed: 1 })).toBe("1 job matched; 1 queued again");
    expect(outcome({ action: "retry", matched: 1, changed: 1 })).toBe("Queued again");
    expect(outcome({ action: "cancel", matched: 1, changed: 0 })).toBe("No change (it had already ended)");
  });
});
