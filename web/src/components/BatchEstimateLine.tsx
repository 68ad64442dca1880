// What a batch would cost before it starts: its items at the recruiter's recent average
// per resume, against what is left of their monthly budget.
import { useBatchEstimate } from "../api/usage";
import { usd } from "../lib/money";
import { ErrorMessage } from "./ErrorMessage";

export function BatchEstimateLine({ candidateIds }: { candidateIds: number[] }) {
  const estimate = useBatchEstimate(candidateIds);
  const e = estimate.data;
  if (estimate.error) return <ErrorMessage error={estimate.error} />;
  if (!e) return null;
  const left = e.budget?.remaining_usd;
  return (
    <p className="batch-estimate" role="status">
      {e.estimated_cost_usd === null || e.estimated_cost_usd === undefined
        ? "Estimated cost: not known yet (no resume made by the model in the last 30 days)."
        : `Estimated cost: ${usd(e.estimated_cost_usd)} (${e.items} × ${usd(e.average_cost_usd)}).`}
      {left === null || left === undefined ? null : ` ${usd(left)} left of your monthly budget.`}
      {e.within_budget ? null : (
        <strong className="error-text"> Over what is left: the batch would be refused (resumes the cache already has cost nothing).</strong>
      )}
    </p>
  );
}
