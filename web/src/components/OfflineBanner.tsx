// A quiet line on every page when no model is configured: the resumes are then built from
// the candidate's data alone, and nothing costs anything.
import { useReadiness } from "../api/queries";

export function OfflineBanner() {
  const readiness = useReadiness(false);
  if (readiness.data?.modelConfigured !== false) return null;
  return (
    <p className="offline-banner">
      <strong>Offline generator:</strong> resumes are built from the candidate&apos;s data alone; set{" "}
      <code>OPENAI_API_KEY</code> to tailor them.
    </p>
  );
}
