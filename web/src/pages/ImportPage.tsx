// Import candidates from the resumes a recruiter already has: drop or pick files (PDF,
// Word, text, JSON Resume, a LinkedIn export) or paste text; each upload becomes an import
// with live progress, and each read draft opens in the form for review before it is saved:
// by itself when one file or text was sent, from its row's Review link when several were.
import { type DragEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";

import { ACCEPTED, draftOf, isDone, useImport, useImports, useUpload } from "../api/imports";
import { messageOf } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";

export function ImportPage() {
  const upload = useUpload();
  const [started, setStarted] = useState<string[]>([]);
  // The import sent alone, whose form opens as soon as it is read.
  const [single, setSingle] = useState<string | null>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const [text, setText] = useState("");
  const [dragging, setDragging] = useState(false);
  const paste = useRef<HTMLTextAreaElement>(null);
  const earlier = useImports();

  async function send(items: (File | string)[]) {
    for (const item of items) {
      try {
        const created = await upload.mutateAsync(item);
        setStarted((ids) => [created.import_id, ...ids]);
        setSingle(items.length === 1 ? created.import_id : null);
      } catch (error) {
        const name = typeof item === "string" ? "The pasted text" : item.name;
        setRefused((messages) => [`${name}: ${messageOf(error)}`, ...messages]);
      }
    }
  }

  function dropped(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void send([...event.dataTransfer.files]);
  }

  const pending = (earlier.data?.imports ?? []).filter(
    (i) => i.status === "SUCCESS" && i.candidate_id == null && !started.includes(i.import_id),
  );
  return (
    <main id="main">
      <p className="crumbs">
        <Link to="/">Candidates</Link>
      </p>
      <h1>Import candidates</h1>
      <p className="hint">
        Each file is read into a draft you review before anything is saved. Nothing is made up: what the file does not
        say stays empty, and what was left out is listed.
      </p>
      <div
        className={dragging ? "dropzone dragging" : "dropzone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={dropped}
      >
        <label htmlFor="import-files">
          <strong>Drop resumes here, or choose files</strong>
          <span className="hint">PDF, Word (.docx), text, JSON Resume (.json) or a LinkedIn data export (.zip)</span>
        </label>
        <input
          id="import-files"
          type="file"
          multiple
          accept={ACCEPTED}
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = "";
            void send(files);
          }}
        />
      </div>
      <form
        className="paste"
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim()) void send([text]).then(() => setText(""));
        }}
      >
        <label htmlFor="import-text">Or paste a resume's text</label>
        <textarea id="import-text" ref={paste} rows={6} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={!text.trim() || upload.isPending}>
          Read the text
        </button>
      </form>
      {refused.map((message) => (
        <div key={message} className="alert" role="alert">
          {message}
        </div>
      ))}
      {started.length > 0 ? (
        <section aria-labelledby="this-time">
          <h2 id="this-time">Imports</h2>
          <ul className="imports">
            {started.map((id) => (
              <ImportRow key={id} id={id} opens={id === single} onPaste={() => paste.current?.focus()} />
            ))}
          </ul>
        </section>
      ) : null}
      {pending.length > 0 ? (
        <section aria-labelledby="to-review">
          <h2 id="to-review">Drafts waiting for review</h2>
          <ul className="imports">
            {pending.map((i) => (
              <li key={i.import_id}>
                <Link to={`/candidates/import/${i.import_id}`}>
                  Review {draftOf(i)?.full_name || i.source?.filename || "draft"}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ErrorMessage error={earlier.error} />
    </main>
  );
}

/** One import as it goes: its file, progress, and what to do when it ends (its form
 * opening by itself when it `opens`). */
function ImportRow({ id, opens, onPaste }: { id: string; opens: boolean; onPaste: () => void }) {
  const found = useImport(id);
  const item = found.data;
  const name = item?.source?.filename ?? "Pasted text";
  const navigate = useNavigate();
  const read = item?.status === "SUCCESS";
  useEffect(() => {
    if (opens && read) void navigate(`/candidates/import/${id}`);
  }, [opens, read, id, navigate]);
  return (
    <li className="import-row">
      <span className="import-name">{name}</span>
      {item && !isDone(item.status) ? (
        <>
          <progress max={100} value={item.progress} aria-label={`Reading ${name}`} />
          <span className="hint">{item.status === "PENDING" ? "Waiting…" : "Reading…"}</span>
        </>
      ) : null}
      {item?.status === "SUCCESS" ? (
        <>
          <span className="ok">
            Read{item.warnings.length > 0 ? `, ${item.warnings.length} to check` : ""}
          </span>
          <Link className="button primary" to={`/candidates/import/${id}`}>
            Review {draftOf(item)?.full_name || "the draft"}
          </Link>
        </>
      ) : null}
      {item?.status === "FAILURE" || item?.status === "CANCELLED" ? (
        <>
          <span className="alert" role="alert">
            {item.error_message ?? "The import was cancelled."}
          </span>
          <button type="button" onClick={onPaste}>
            Paste the text instead
          </button>
        </>
      ) : null}
      <ErrorMessage error={found.error} />
    </li>
  );
}
