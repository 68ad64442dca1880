// Every user's jobs: search by any field, page through by key, act on what matches.
import { useSearchParams } from "react-router";

import { ErrorMessage } from "../components/ErrorMessage";
import { LoadMore } from "../components/LoadMore";
import { BulkActions } from "./BulkActions";
import { filterFromParams, paramsFromFilter } from "./filter";
import { JobFilterForm } from "./JobFilterForm";
import { JobsTable } from "./JobsTable";
import { useLive } from "./live";
import { useOperator } from "../auth/session";
import { useJobSearch } from "./queries";

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const { live } = useLive();
  const { acts } = useOperator();
  const search = useJobSearch(filter, live);
  const jobs = search.data?.pages.flatMap((page) => page.jobs) ?? [];
  return (
    <main id="main">
      <h1>Jobs</h1>
      <JobFilterForm filter={filter} onApply={(next) => setParams(paramsFromFilter(next))} />
      {acts ? <BulkActions filter={filter} /> : null}
      <ErrorMessage error={search.error} />
      {search.isPending ? <p className="hint">Loading…</p> : null}
      {!search.isPending && jobs.length === 0 && !search.error ? (
        <p className="empty">No job matches this search.</p>
      ) : (
        <JobsTable jobs={jobs} />
      )}
      <LoadMore pages={search} label="More jobs" />
    </main>
  );
}
