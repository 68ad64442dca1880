// The candidates list's search box and order, with a count of what matches (announced).
import { useId } from "react";

import type { Order } from "../lib/candidates";

interface Props {
  query: string;
  order: Order;
  /** How many candidates match. */
  shown: number;
  onQuery: (query: string) => void;
  onOrder: (order: Order) => void;
}

export function CandidateSearch({ query, order, shown, onQuery, onOrder }: Props) {
  const id = useId();
  return (
    <div className="candidate-search" role="search" aria-label="Candidates">
      <div className="field">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          placeholder="Name, company or skill"
          onChange={(event) => onQuery(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-order`}>Order</label>
        <select id={`${id}-order`} value={order} onChange={(event) => onOrder(event.target.value === "name" ? "name" : "activity")}>
          <option value="activity">Last activity</option>
          <option value="name">Name (A–Z)</option>
        </select>
      </div>
      <p className="hint" role="status">
        {query ? `${shown} ${shown === 1 ? "candidate matches" : "candidates match"}` : ""}
      </p>
    </div>
  );
}
