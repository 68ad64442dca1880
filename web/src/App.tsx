// The app's frame: the query client, the routes, the header with who is signed in, and the
// sign-in page for anyone who is not.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { BrowserRouter, Link, Route, Routes } from "react-router";

import { ApiError } from "./api/client";
import { signOut, useSession } from "./auth/session";
import { AuditPage } from "./monitor/AuditPage";
import { DashboardPage } from "./monitor/DashboardPage";
import { ErrorsPage } from "./monitor/ErrorsPage";
import { JobDetailPage } from "./monitor/JobDetailPage";
import { JobsPage } from "./monitor/JobsPage";
import { MonitorLayout, useOperator } from "./monitor/MonitorLayout";
import { WorkersPage } from "./monitor/WorkersPage";
import { CandidatePage } from "./pages/CandidatePage";
import { EditCandidatePage, NewCandidatePage } from "./pages/CandidateEditPage";
import { ImportPage } from "./pages/ImportPage";
import { ImportReviewPage } from "./pages/ImportReviewPage";
import { CandidatesPage } from "./pages/CandidatesPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SignInPage } from "./pages/SignInPage";

/** Retries what may pass on its own (network, 5xx), never what will not (4xx). */
function retry(failures: number, error: unknown) {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 3;
}

function newQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry, staleTime: 10_000 }, mutations: { retry: false } },
  });
}

/** A cache of one session's own (keyed by its token), so nothing one user loaded is ever
 * shown to the next. */
function SessionCache({ children }: { children: ReactNode }) {
  const [client] = useState(newQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

function Header() {
  const session = useSession();
  const { reads } = useOperator();
  return (
    <header className="top">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Link to="/" className="brand">
        Resumes
      </Link>
      {reads ? (
        <Link to="/monitor" className="console-link">
          Console
        </Link>
      ) : null}
      {session ? (
        <div className="who">
          <span>
            Signed in as <strong>{session.user}</strong>
          </span>
          <button type="button" className="small" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      ) : null}
    </header>
  );
}

function Pages() {
  const session = useSession();
  if (!session) return <SignInPage />;
  return (
    <Routes>
      <Route path="/" element={<CandidatesPage />} />
      <Route path="/candidates/new" element={<NewCandidatePage />} />
      <Route path="/candidates/import" element={<ImportPage />} />
      <Route path="/candidates/import/:importId" element={<ImportReviewPage />} />
      <Route path="/candidates/:id" element={<CandidatePage />} />
      <Route path="/candidates/:id/edit" element={<EditCandidatePage />} />
      <Route path="/monitor" element={<MonitorLayout />}>
        <Route index element={<DashboardPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="jobs/:jobId" element={<JobDetailPage />} />
        <Route path="errors" element={<ErrorsPage />} />
        <Route path="workers" element={<WorkersPage />} />
        <Route path="audit" element={<AuditPage />} />
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

export function App() {
  const token = useSession()?.token ?? "signed-out";
  return (
    <SessionCache key={token}>
      <BrowserRouter>
        <Header />
        <Pages />
      </BrowserRouter>
    </SessionCache>
  );
}
