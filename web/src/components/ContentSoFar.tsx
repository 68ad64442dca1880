// What the model has written so far, shown while it writes the rest: the headline and
// summary once written, then each role whose bullets are written, in the candidate's order.
import type { Job } from "../api/client";

type Content = NonNullable<Job["content_so_far"]>;

export function ContentSoFar({ content }: { content: Content }) {
  const roles = content.experience ?? [];
  if (!content.headline && !content.summary && roles.length === 0) return null;
  return (
    <section className="content-so-far" aria-labelledby="content-so-far">
      <h3 id="content-so-far">Written so far</h3>
      {content.headline ? <p className="headline">{content.headline}</p> : null}
      {content.summary ? <p>{content.summary}</p> : null}
      {roles.map((role, i) => (
        <div key={`${i}-${role.company}`}>
          <h4>
            {role.title}, {role.company}
          </h4>
          <ul>
            {(role.highlights ?? []).map((highlight, j) => (
              <li key={j}>{highlight}</li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
