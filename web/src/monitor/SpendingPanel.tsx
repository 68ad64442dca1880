// What the model cost per owner (top spenders first, with their monthly budgets, which
// admins can set) and per day, over a window.
import { useState } from "react";

import { useOperator } from "../auth/session";
import { ErrorMessage } from "../components/ErrorMessage";
import { usd } from "../lib/money";
import { BudgetEditor } from "./BudgetEditor";
import { useLive } from "./live";
import { OwnerBudgetForm } from "./OwnerBudgetForm";
import { useSpending, type Window } from "./queries";
import { WindowChooser, type WindowOption } from "./WindowChooser";

const WINDOWS: WindowOption<Window>[] = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
];

const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

function budgetText(budget: { monthly_budget_usd?: number | null; spent_usd: number } | null | undefined) {
  if (!budget) return "—";
  return budget.monthly_budget_usd ? `${usd(budget.spent_usd)} of ${usd(budget.monthly_budget_usd)}` : "no budget";
}

export function SpendingPanel() {
  const [span, setSpan] = useState<Window>("7d");
  const { live } = useLive();
  const { acts } = useOperator();
  const spending = useSpending(span, live);
  const s = spending.data;
  return (
    <section className="panel" aria-labelledby="spending-title">
      <div className="panel-head">
        <h2 id="spending-title">Spending</h2>
        <WindowChooser legend="Spending window" options={WINDOWS} value={span} onChange={setSpan} />
      </div>
      <ErrorMessage error={spending.error} />
      {s ? (
        <>
          <p className="hint">
            {usd(s.total_usd)} in the window. Per day (UTC):{" "}
            {s.days.map((d) => `${d.day ? day.format(new Date(d.day)) : "—"} ${usd(d.cost_usd)}`).join(" · ")}
          </p>
          <div className="table-wrap">
            <table className="history stack">
              <caption className="visually-hidden">Top spenders</caption>
              <thead>
                <tr>
                  <th scope="col">Owner</th>
                  <th scope="col">Jobs</th>
                  <th scope="col">Cache hits</th>
                  <th scope="col">Tokens (prompt / cached / completion)</th>
                  <th scope="col">Cost</th>
                  <th scope="col">This month</th>
                  {acts ? <th scope="col">Own budget</th> : null}
                </tr>
              </thead>
              <tbody>
                {s.owners.map((owner) => (
                  <tr key={owner.owner} data-owner={owner.owner}>
                    <th scope="row">{owner.owner}</th>
                    <td className="num" data-label="Jobs">{owner.jobs}</td>
                    <td className="num" data-label="Cache hits">{owner.cache_hits}</td>
                    <td className="num" data-label="Tokens">
                      {owner.prompt_tokens} / {owner.cached_tokens} / {owner.completion_tokens}
                    </td>
                    <td className="num" data-label="Cost">{usd(owner.cost_usd)}</td>
                    <td data-label="This month">
                      {budgetText(owner.budget)}
                      {owner.budget?.overridden ? " (own)" : ""}
                    </td>
                    {acts ? (
                      <td data-label="Own budget">
                        <BudgetEditor owner={owner.owner} budget={owner.budget} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.owners.length === 0 ? <p className="hint">No job ended in the window.</p> : null}
        </>
      ) : null}
      {acts ? (
        <details>
          <summary>Set any user&apos;s budget</summary>
          <OwnerBudgetForm />
        </details>
      ) : null}
    </section>
  );
}
