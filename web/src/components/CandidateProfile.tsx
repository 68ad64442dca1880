// A candidate's data as a recruiter reads it: contact line, summary, skills, roles with
// their highlights ("Apr 2021 – present"), education and certifications.
import type { Candidate } from "../api/client";
import { period } from "../lib/months";

export function CandidateProfile({ candidate }: { candidate: Candidate }) {
  const contact = [candidate.email, candidate.phone, candidate.location].filter(Boolean);
  return (
    <section className="profile" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      {contact.length > 0 ? <p className="contact">{contact.join(" · ")}</p> : null}
      {candidate.links?.length ? (
        <ul className="links">
          {candidate.links.map((link) => (
            <li key={link.url}>
              <a href={link.url} rel="noopener noreferrer" target="_blank">
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {candidate.summary ? <p>{candidate.summary}</p> : null}
      {candidate.skills?.length ? (
        <>
          <h3>Skills</h3>
          <ul className="chips">
            {candidate.skills.map((skill) => (
              <li key={skill}>{skill}</li>
            ))}
          </ul>
        </>
      ) : null}
      {candidate.experience?.length ? (
        <>
          <h3>Experience</h3>
          {candidate.experience.map((role, i) => (
            <article key={i} className="role">
              <h4>
                {role.title}, {role.company}
              </h4>
              <p className="meta">{[period(role.start, role.end), role.location].filter(Boolean).join(" · ")}</p>
              {role.highlights?.length ? (
                <ul>
                  {role.highlights.map((h, j) => (
                    <li key={j}>{h}</li>
                  ))}
                </ul>
              ) : null}
            </article>
          ))}
        </>
      ) : null}
      {candidate.education?.length ? (
        <>
          <h3>Education</h3>
          <ul>
            {candidate.education.map((e, i) => (
              <li key={i}>
                {[e.degree, e.field].filter(Boolean).join(", ")}
                {e.degree || e.field ? " — " : ""}
                {e.institution}
                {period(e.start, e.end) ? ` (${period(e.start, e.end)})` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {candidate.certifications?.length ? (
        <>
          <h3>Certifications</h3>
          <ul>
            {candidate.certifications.map((c, i) => (
              <li key={i}>{[c.name, c.issuer, c.year].filter(Boolean).join(", ")}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
