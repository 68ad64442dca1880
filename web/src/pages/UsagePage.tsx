// The recruiter's usage: what their jobs came to and cost over a window (tokens, dollars,
// what the caches saved), and their monthly budget.
import { useState } from "react";

import { type UsageWindow, useMyUsage } from "../api/usage";
import { BudgetLine } from "../components/BudgetLine";
import { ErrorMessage } from "../components/ErrorMessage";
import { Figures } from "../components/Figures";
import { usd } from "../lib/money";
import { WindowChooser, type WindowOption } from "../monitor/WindowChooser";

const WINDOWS: WindowOption<UsageWindow>[] = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
];

const count = new Intl.NumberFormat();

export function UsagePage() {
  const [span, setSpan] = useState<UsageWindow>("30d");
  const usage = useMyUsage(span);
  const u = usage.data;
  const figures: [string, string][] = u
    ? [
        ["Cost", usd(u.cost_usd)],
        ["Saved by the caches", usd(u.cache_savings_usd)],
        ["Jobs", count.format(u.jobs)],
        ["Written anew", count.format(u.generated)],
        ["Cache hits", count.format(u.cache_hits)],
        ["Failed", count.format(u.failed)],
        ["Prompt tokens", count.format(u.prompt_tokens)],
        ["Of which cached", count.format(u.cached_tokens)],
        ["Completion tokens", count.format(u.completion_tokens)],
        ["Average per resume", usd(u.average_cost_usd)],
      ]
    : [];
  return (
    <main id="main">
      <div className="page-head">
        <h1>Usage</h1>
        <WindowChooser options={WINDOWS} value={span} onChange={setSpan} />
      </div>
      <ErrorMessage error={usage.error} />
      {usage.isPending ? <p className="hint">Loading…</p> : null}
      {u?.budget ? (
        <section className="panel" aria-labelledby="budget-title">
          <h2 id="budget-title">Monthly budget</h2>
          <BudgetLine budget={u.budget} />
        </section>
      ) : null}
      {u ? (
        <section className="panel" aria-labelledby="usage-title">
          <h2 id="usage-title">Your jobs in the window</h2>
          <Figures figures={figures} />
          <p className="hint">
            Each job is priced at its model&apos;s price; cached prompt tokens cost less. The average is over your last
            30 days, and is what a batch is estimated at.
          </p>
        </section>
      ) : null}
    </main>
  );
}
