//! A document shown anonymised: the candidate's name becomes their label ("Candidate
//! A.L.", [`resume_proto::anonymous::label`]) in the heading, the signature, the file name
//! and any text that names them; the contact line and links are left out, and their e-mail
//! address, phone number and link addresses are taken out of any text that carries them.

use resume_proto::{anonymous::label, v1, words::in_word};

use super::{Letter, Printable, Resume, Role};

/// The shortest word of a name replaced on its own (shorter ones are too often words).
const MIN_NAME_WORD: usize = 3;

/// What identifies a candidate in text, and what replaces it.
struct Scrubber {
    label: String,
    /// The whole name, then each word of it, longest first.
    names: Vec<String>,
    /// E-mail, phone and link addresses (each also without its scheme).
    contacts: Vec<String>,
}

impl Scrubber {
    fn of(candidate: &v1::Candidate) -> Scrubber {
        let full = candidate.full_name.trim().to_owned();
        let mut names: Vec<String> = full
            .split(|c: char| !in_word(c) && c != '-' && c != '\'')
            .filter(|w| w.chars().count() >= MIN_NAME_WORD)
            .map(str::to_owned)
            .collect();
        names.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        names.insert(0, full);
        names.retain(|n| !n.is_empty());
        let mut contacts: Vec<String> = [&candidate.email, &candidate.phone].into_iter().flatten().cloned().collect();
        for link in &candidate.links {
            let bare = link.url.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
            contacts.extend([link.url.clone(), bare.to_owned()]);
        }
        contacts.retain(|c| !c.trim().is_empty());
        contacts.sort_by_key(|c| std::cmp::Reverse(c.len()));
        Scrubber { label: label(&candidate.full_name), names, contacts }
    }

    /// `text` without the candidate's contacts, their name replaced by the label.
    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for contact in &self.contacts {
            out = out.replace(contact.as_str(), "");
        }
        for name in &self.names {
            out = replace_word(&out, name, &self.label);
        }
        out
    }
}

/// `text` with each whole-word occurrence of `word` replaced by `with`.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let whole = !before.is_some_and(in_word) && !after.is_some_and(in_word);
        out.push_str(&rest[..at]);
        out.push_str(if whole { with } else { word });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// `shown` anonymised for `candidate`.
pub fn printable(candidate: &v1::Candidate, shown: Printable) -> Printable {
    let scrubber = Scrubber::of(candidate);
    let s = |text: &String| scrubber.scrub(text);
    match shown {
        Printable::Resume(resume) => Printable::Resume(Resume {
            full_name: scrubber.label.clone(),
            contact: Vec::new(),
            headline: resume.headline.as_ref().map(s),
            summary: resume.summary.as_ref().map(s),
            skills: resume.skills.iter().map(s).collect(),
            experience: resume
                .experience
                .iter()
                .map(|role| Role { highlights: role.highlights.iter().map(s).collect(), ..role.clone() })
                .collect(),
            ..resume
        }),
        Printable::Letter(letter) => Printable::Letter(Letter {
            sender: scrubber.label.clone(),
            anonymised: true,
            contact: Vec::new(),
            greeting: s(&letter.greeting),
            paragraphs: letter.paragraphs.iter().map(s).collect(),
            closing: s(&letter.closing),
            signature: scrubber.label.clone(),
            addressee: letter.addressee,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_and_contacts_leave_every_text() {
        let ada = v1::Candidate {
            full_name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into()),
            phone: Some("+44 20 0000 0000".into()),
            links: vec![v1::Link { label: "GitHub".into(), url: "https://github.com/ada/".into() }],
            ..Default::default()
        };
        let scrubber = Scrubber::of(&ada);
        assert_eq!(
            scrubber.scrub("Ada Lovelace (ada@example.com, github.com/ada) met Adam; Lovelace's notes."),
            "Candidate A.L. (, ) met Adam; Candidate A.L.'s notes."
        );
        let letter = Letter { sender: "Ada Lovelace".into(), signature: "Ada Lovelace".into(), ..Default::default() };
        let Printable::Letter(shown) = printable(&ada, Printable::Letter(letter)) else { unreachable!() };
        assert_eq!((shown.sender.as_str(), shown.signature.as_str()), ("Candidate A.L.", "Candidate A.L."));
        assert!(shown.contact.is_empty());
    }
}
