// One labelled input, text area or select with its hint and error, wired for screen
// readers (aria-invalid, aria-describedby) and for react-hook-form (register's props).
// The error's line is kept even when empty, so that an error shown or cleared as focus
// leaves a field never moves what is below it (a click there lands where it was aimed).
import { type ReactNode, useId } from "react";
import type { FieldError, UseFormRegisterReturn } from "react-hook-form";

interface Props {
  label: string;
  registration: UseFormRegisterReturn;
  error?: FieldError | undefined;
  hint?: string;
  kind?: "input" | "textarea";
  type?: string;
  rows?: number;
  autoComplete?: string;
  placeholder?: string;
  required?: boolean;
  children?: ReactNode;
}

export function Field({ label, registration, error, hint, kind = "input", type = "text", rows, ...rest }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": rest.required || undefined,
    autoComplete: rest.autoComplete,
    placeholder: rest.placeholder,
    ...registration,
  };
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>
        {label}
        {rest.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {kind === "textarea" ? <textarea rows={rows ?? 3} {...common} /> : <input type={type} {...common} />}
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <p className="error" id={errorId}>
        {error?.message}
      </p>
    </div>
  );
}
