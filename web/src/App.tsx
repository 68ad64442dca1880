// The app's frame: the query client, the routes, the header with who is signed in, and the
// sign-in page for anyone who is not. Every page but the candidates list is loaded on
// demand (its own chunk): a recruiter's first load carries no other page, no form library
// and none of the operator's console.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { createBrowserRouter, createRoutesFromElements, Link, Outlet, Route, RouterProvider, useMatch } from "react-router";

import { ApiError } from "./api/client";
import { CALLBACK_PATH } from "./auth/issuer";
import { signOut, useOperator, useSession } from "./auth/session";
import { OfflineBanner } from "./components/OfflineBanner";
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
      {session ? (
        <nav className="top-links" aria-label="Main">
          <Link to="/usage" className="console-link">
            Usage
          </Link>
          {reads ? (
            <Link to="/monitor" className="console-link">
              Console
            </Link>
          ) : null}
        </nav>
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

const ConsoleRoutes = lazy(() => import("./monitor/ConsoleRoutes"));
const CandidatePage = lazy(() => import("./pages/CandidatePage").then((m) => ({ default: m.CandidatePage })));
const NewCandidatePage = lazy(() => import("./pages/CandidateEditPage").then((m) => ({ default: m.NewCandidatePage })));
const EditCandidatePage = lazy(() => import("./pages/CandidateEditPage").then((m) => ({ default: m.EditCandidatePage })));
const ImportPage = lazy(() => import("./pages/ImportPage").then((m) => ({ default: m.ImportPage })));
const AuthCallbackPage = lazy(() => import("./pages/AuthCallbackPage").then((m) => ({ default: m.AuthCallbackPage })));
const OpeningsPage = lazy(() => import("./pages/OpeningsPage").then((m) => ({ default: m.OpeningsPage })));
const BatchPage = lazy(() => import("./pages/BatchPage").then((m) => ({ default: m.BatchPage })));
const UsagePage = lazy(() => import("./pages/UsagePage").then((m) => ({ default: m.UsagePage })));
const ImportReviewPage = lazy(() => import("./pages/ImportReviewPage").then((m) => ({ default: m.ImportReviewPage })));

/** Shown while a page's chunk loads. */
function Loading() {
  return (
    <main id="main">
      <p className="hint">Loading…</p>
    </main>
  );
}

/** Every page: the header, then the route's page, or the sign-in page for anyone signed out
 * (but the sign-in callback, which is how one signs in). */
function Frame() {
  const session = useSession();
  const callback = useMatch(CALLBACK_PATH) !== null;
  return (
    <>
      <Header />
      {session || callback ? (
        <>
          <OfflineBanner />
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </>
      ) : (
        <SignInPage />
      )}
    </>
  );
}

const routes = createRoutesFromElements(
  <Route element={<Frame />}>
    <Route path="/" element={<CandidatesPage />} />
    <Route path="/candidates/new" element={<NewCandidatePage />} />
    <Route path="/candidates/import" element={<ImportPage />} />
    <Route path="/candidates/import/:importId" element={<ImportReviewPage />} />
    <Route path="/candidates/:id" element={<CandidatePage />} />
    <Route path="/candidates/:id/edit" element={<EditCandidatePage />} />
    <Route path="/openings" element={<OpeningsPage />} />
    <Route path="/batches/:batchId" element={<BatchPage />} />
    <Route path="/usage" element={<UsagePage />} />
    <Route path="/monitor/*" element={<ConsoleRoutes />} />
    <Route path={CALLBACK_PATH} element={<AuthCallbackPage />} />
    <Route path="*" element={<NotFoundPage />} />
  </Route>,
);

export function App() {
  const token = useSession()?.token ?? "signed-out";
  // Made once, after main.tsx took a sign-in link's token out of the address.
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <SessionCache key={token}>
      <RouterProvider router={router} />
    </SessionCache>
  );
}
