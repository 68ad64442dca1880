// A monthly budget in one line: what was spent of it this month, what is left, and when it
// starts again.
import type { Budget } from "../api/usage";
import { usd } from "../lib/money";

const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

export function BudgetLine({ budget }: { budget: Budget }) {
  const resets = budget.resets_at ? day.format(new Date(budget.resets_at)) : "—";
  if (budget.monthly_budget_usd === null || budget.monthly_budget_usd === undefined) {
    return (
      <p className="budget-line">
        No monthly budget · {usd(budget.spent_usd)} spent this month
      </p>
    );
  }
  return (
    <p className="budget-line">
      {usd(budget.spent_usd)} of {usd(budget.monthly_budget_usd)} spent this month
      {budget.overridden ? " (a budget set by an admin)" : ""} · {usd(budget.remaining_usd)} left · resets {resets}
    </p>
  );
}
