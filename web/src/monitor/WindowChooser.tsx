// A choice of time window as radio buttons drawn as one segmented control (a fieldset, so
// that a screen reader names the group).
import { useId } from "react";

export interface WindowOption<T> {
  value: T;
  label: string;
}

interface Props<T> {
  /** The group's name for a screen reader ("Window" when there is one on the page). */
  legend?: string;
  options: WindowOption<T>[];
  value: T;
  onChange: (value: T) => void;
}

export function WindowChooser<T extends string | number>({ legend = "Window", options, value, onChange }: Props<T>) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{legend}</legend>
      {options.map((option) => (
        <label key={option.value}>
          <input type="radio" name={name} checked={value === option.value} onChange={() => onChange(option.value)} />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
