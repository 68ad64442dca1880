// The operator's console under /monitor: its own chunk, loaded when an operator opens it,
// so a recruiter's first load carries none of it (nor uPlot).
import { Route, Routes } from "react-router";

import { AuditPage } from "./AuditPage";
import { DashboardPage } from "./DashboardPage";
import { ErrorsPage } from "./ErrorsPage";
import { JobDetailPage } from "./JobDetailPage";
import { JobsPage } from "./JobsPage";
import { MonitorLayout } from "./MonitorLayout";
import { WorkersPage } from "./WorkersPage";

export default function ConsoleRoutes() {
  return (
    <Routes>
      <Route element={<MonitorLayout />}>
        <Route index element={<DashboardPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/:jobId" element={<JobDetailPage />} />
        <Route path="errors" element={<ErrorsPage />} />
        <Route path="workers" element={<WorkersPage />} />
        <Route path="audit" element={<AuditPage />} />
      </Route>
    </Routes>
  );
}
