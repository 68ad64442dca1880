// One choice of a few, as radio buttons under a legend (a generation's document, its format).
interface Props<T extends string> {
  legend: string;
  /** The radio group's name, unique on the page. */
  name: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
}

export function Choices<T extends string>({ legend, name, options, value, onChange }: Props<T>) {
  return (
    <fieldset className="formats">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="choice">
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
