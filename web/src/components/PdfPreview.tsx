// A finished PDF shown in the page, from the same bytes the download saves.
import { useEffect, useState } from "react";

import type { Job } from "../api/client";
import { useDocument } from "../api/documents";
import { ErrorMessage } from "./ErrorMessage";

export function PdfPreview({ job }: { job: Job }) {
  const document = useDocument(job.job_id, true);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!document.data) return;
    const objectUrl = URL.createObjectURL(document.data);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [document.data]);
  if (document.error) return <ErrorMessage error={document.error} title="Could not show the PDF" />;
  if (!url) return <p className="hint">Loading the preview…</p>;
  return <iframe className="pdf-preview" src={url} title={`Preview of ${job.filename ?? "the resume"}`} />;
}
