// A modal confirmation (the browser's own <dialog>: focus moves into it, Escape closes it,
// the page behind is inert), for actions that change many jobs at once.
import { useEffect, useRef } from "react";

interface Props {
  title: string;
  message: string;
  confirm: string;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmDialog({ title, message, confirm, busy, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} className="confirm" aria-labelledby="confirm-title" onClose={onClose}>
      <h2 id="confirm-title">{title}</h2>
      <p>{message}</p>
      <div className="actions">
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
          {busy ? "Working…" : confirm}
        </button>
        <button type="button" onClick={onClose} autoFocus>
          Keep them as they are
        </button>
      </div>
    </dialog>
  );
}
