// An admin gives any user (by id, spent or not) a monthly budget of their own; the budget
// as it then is is shown.
import { useState } from "react";

import { BudgetLine } from "../components/BudgetLine";
import { ErrorMessage } from "../components/ErrorMessage";
import { useSetBudget } from "./queries";

export function OwnerBudgetForm() {
  const [owner, setOwner] = useState("");
  const [amount, setAmount] = useState("");
  const save = useSetBudget();
  const value = Number(amount);
  const valid = owner !== "" && amount.trim() !== "" && Number.isFinite(value) && value >= 0;
  return (
    <form
      className="owner-budget"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) save.mutate({ owner, amount: value });
      }}
    >
      <div className="field">
        <label htmlFor="budget-owner">User id</label>
        <input id="budget-owner" value={owner} onChange={(e) => setOwner(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="budget-amount">Monthly budget (USD, 0: none)</label>
        <input id="budget-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </div>
      <button type="submit" className="small" disabled={!valid || save.isPending}>
        Set budget
      </button>
      <ErrorMessage error={save.error} />
      {save.data?.budget ? (
        <div role="status">
          <strong>{save.data.owner}</strong>: <BudgetLine budget={save.data.budget} />
        </div>
      ) : null}
    </form>
  );
}
