// The console's first page: queues (with their paused state), totals, the history charts,
// what each owner spent, the recent batches and live workers.
import { HistoryPanel } from "./HistoryPanel";
import { QueuesTable } from "./QueuesTable";
import { RecentBatches } from "./RecentBatches";
import { SpendingPanel } from "./SpendingPanel";
import { TotalsPanel } from "./TotalsPanel";
import { WorkersTable } from "./WorkersTable";

export function DashboardPage() {
  return (
    <main id="main">
      <h1>Dashboard</h1>
      <div className="detail dashboard-top">
        <QueuesTable />
        <TotalsPanel />
      </div>
      <HistoryPanel />
      <SpendingPanel />
      <RecentBatches />
      <WorkersTable />
    </main>
  );
}
