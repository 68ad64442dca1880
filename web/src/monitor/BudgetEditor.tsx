// An owner's monthly budget as an admin sets it: an amount in dollars (0: none) saved as
// their own, or their own taken away so the default applies again.
import { useId, useState } from "react";

import type { Budget } from "../api/usage";
import { ErrorMessage } from "../components/ErrorMessage";
import { useSetBudget } from "./queries";

export function BudgetEditor({ owner, budget }: { owner: string; budget: Budget | null | undefined }) {
  const id = useId();
  const [amount, setAmount] = useState(budget?.overridden ? String(budget.monthly_budget_usd ?? 0) : "");
  const save = useSetBudget();
  const value = Number(amount);
  const valid = amount.trim() !== "" && Number.isFinite(value) && value >= 0;
  return (
    <form
      className="budget-editor"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) save.mutate({ owner, amount: value });
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Monthly budget of {owner} in USD
      </label>
      <input id={id} inputMode="decimal" size={7} placeholder="USD" value={amount} onChange={(e) => setAmount(e.target.value)} />
      <button type="submit" className="small" disabled={!valid || save.isPending}>
        Set<span className="visually-hidden"> the budget of {owner}</span>
      </button>
      {budget?.overridden ? (
        <button type="button" className="small" disabled={save.isPending} onClick={() => save.mutate({ owner, amount: null })}>
          Default<span className="visually-hidden"> budget for {owner}</span>
        </button>
      ) : null}
      <ErrorMessage error={save.error} />
    </form>
  );
}
