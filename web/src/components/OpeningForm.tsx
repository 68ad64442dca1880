// An opening's fields, to write a new one or edit one: title, company, location, the
// description and an optional link to the posting. The server checks them again and names
// the field of any problem.
import { type FormEvent, useState } from "react";

import type { NewOpening, Opening } from "../api/batches";

const blank: NewOpening = { title: "", company: "", location: "", description: "", url: null };

export function OpeningForm({
  opening,
  submitLabel,
  busy,
  onSubmit,
}: {
  opening?: Opening;
  submitLabel: string;
  busy: boolean;
  onSubmit: (body: NewOpening) => void;
}) {
  const [values, setValues] = useState<NewOpening>(
    opening
      ? { title: opening.title, company: opening.company, location: opening.location, description: opening.description, url: opening.url ?? null }
      : blank,
  );
  const field = (name: "title" | "company" | "location", label: string) => (
    <div className="field">
      <label htmlFor={`opening-${name}`}>{label}</label>
      <input
        id={`opening-${name}`}
        required
        maxLength={200}
        value={values[name]}
        onChange={(event) => setValues({ ...values, [name]: event.target.value })}
      />
    </div>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ ...values, url: values.url?.trim() ? values.url.trim() : null });
  };
  return (
    <form className="opening-form" onSubmit={submit}>
      {field("title", "Title")}
      {field("company", "Company")}
      {field("location", "Location")}
      <div className="field">
        <label htmlFor="opening-description">Description</label>
        <textarea
          id="opening-description"
          required
          rows={5}
          maxLength={20000}
          value={values.description}
          onChange={(event) => setValues({ ...values, description: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="opening-url">Link to the posting (optional)</label>
        <input
          id="opening-url"
          type="url"
          value={values.url ?? ""}
          onChange={(event) => setValues({ ...values, url: event.target.value })}
        />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
