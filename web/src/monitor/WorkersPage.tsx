// Every live worker.
import { WorkersTable } from "./WorkersTable";

export function WorkersPage() {
  return (
    <main id="main">
      <h1>Workers</h1>
      <WorkersTable />
    </main>
  );
}
