// Retry or cancel every job the current search matches: the server counts what the action
// would change first, and the confirmation names that count.
import { useState } from "react";

import { messageOf } from "../api/client";
import { ConfirmDialog } from "./ConfirmDialog";
import { type BulkAction, countBulk, type JobFilter, useBulk } from "./queries";

interface Pending {
  action: BulkAction;
  matched: number;
  changed: number;
}

const WORDS: Record<BulkAction, { verb: string; done: string; which: string }> = {
  retry: { verb: "Retry", done: "Retried", which: "failed or cancelled" },
  cancel: { verb: "Cancel", done: "Cancelled", which: "waiting or running" },
};

const plural = (n: number) => `${n} ${n === 1 ? "job" : "jobs"}`;

export function BulkActions({ filter }: { filter: JobFilter }) {
  const bulk = useBulk();
  const [pending, setPending] = useState<Pending | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [counting, setCounting] = useState(false);

  const ask = async (action: BulkAction) => {
    setNote(null);
    setCounting(true);
    try {
      const { matched, changed } = await countBulk(action, filter);
      if (changed === 0) setNote(`None of the ${plural(matched)} this search matches is ${WORDS[action].which}.`);
      else setPending({ action, matched, changed });
    } catch (error) {
      setNote(messageOf(error));
    } finally {
      setCounting(false);
    }
  };

  const run = (p: Pending) =>
    bulk.mutate(
      { action: p.action, filter },
      {
        onSuccess: ({ changed }) => setNote(`${WORDS[p.action].done} ${plural(changed)}.`),
        onError: (error) => setNote(messageOf(error)),
        onSettled: () => setPending(null),
      },
    );

  return (
    <div className="bulk">
      <button type="button" disabled={counting} onClick={() => void ask("retry")}>
        Retry matching…
      </button>
      <button type="button" className="danger-text" disabled={counting} onClick={() => void ask("cancel")}>
        Cancel matching…
      </button>
      <p className="hint" role="status">
        {note}
      </p>
      {pending ? (
        <ConfirmDialog
          title={`${WORDS[pending.action].verb} ${plural(pending.changed)}?`}
          message={`This search matches ${plural(pending.matched)}; ${plural(pending.changed)} of them ${
            pending.changed === 1 ? "is" : "are"
          } ${WORDS[pending.action].which} and will be ${WORDS[pending.action].done.toLowerCase()}. The audit log records it.`}
          confirm={`${WORDS[pending.action].verb} ${plural(pending.changed)}`}
          busy={bulk.isPending}
          onConfirm={() => run(pending)}
          onClose={() => setPending(null)}
        />
      ) : null}
    </div>
  );
}
