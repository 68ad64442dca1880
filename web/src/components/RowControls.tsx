// Move up, move down and remove for one row of a repeated group (a link, a role, …), each
// button naming the row it acts on for screen readers.
interface Props {
  index: number;
  count: number;
  /** Which row, as the buttons name it ("role 2", "bullet 1 of Programmer, Engines Ltd"). */
  which: string;
  move: (from: number, to: number) => void;
  remove: (index: number) => void;
  /** Shown before the buttons, where it is not plain which row they act on. */
  caption?: string;
}

export function RowControls({ index, count, which, move, remove, caption }: Props) {
  return (
    <div className="row-controls">
      {caption ? <span className="hint">{caption}</span> : null}
      <button type="button" className="small" disabled={index === 0} onClick={() => move(index, index - 1)} aria-label={`Move ${which} up`}>
        ↑
      </button>
      <button
        type="button"
        className="small"
        disabled={index === count - 1}
        onClick={() => move(index, index + 1)}
        aria-label={`Move ${which} down`}
      >
        ↓
      </button>
      <button type="button" className="small danger-text" onClick={() => remove(index)} aria-label={`Remove ${which}`}>
        Remove
      </button>
    </div>
  );
}
