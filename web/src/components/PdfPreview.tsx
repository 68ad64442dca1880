// A finished PDF shown in the page, from the same bytes the download saves: at the frame's
// width, without the viewer's thumbnails and toolbar (which took half the frame).
import { useEffect, useState } from "react";

import type { Job } from "../api/client";
import { useDocument } from "../api/documents";
import { ErrorMessage } from "./ErrorMessage";

/** The PDF viewer's open parameters (RFC 8118): fit the page's width, no side panes, no toolbar. */
const VIEW = "#view=FitH&navpanes=0&toolbar=0";

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
  return <iframe className="pdf-preview" src={`${url}${VIEW}`} title={`Preview of ${job.filename ?? "the resume"}`} />;
}
