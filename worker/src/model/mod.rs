//! What a resume or a cover letter says, independent of its file format, and how it is made.
//!
//! Two [`Generator`]s: [`offline`] builds it from the candidate's own data alone (no
//! network); [`openai`] asks an OpenAI-compatible model, a resume in two or more calls run
//! concurrently (the experience split over several for a long career, [`split`]; keeping
//! the answer of a call that succeeded when another failed, for the next attempt), a
//! letter in one, telling how far they have got as they stream ([`written`]).
//! Both only reorder and rephrase what the candidate has: names, companies, titles,
//! institutions and dates always come from the candidate's data ([`letter`] holds a
//! letter to it sentence by sentence). [`anonymous`] takes the candidate's name, contact
//! line and links out of a document that is shown anonymised.

pub mod anonymous;
mod endpoint;
pub mod letter;
pub mod offline;
pub mod openai;
pub mod reply;
pub mod split;
mod wire;
pub mod written;

use std::time::Duration;

use futures::future::BoxFuture;
use resume_proto::{
    content::Content,
    job::{Document, ErrorClass},
    v1, words,
};
use serde::Serialize;

pub use letter::Letter;

/// A resume's or a letter's content, what making it cost, and what of the model's reply
/// had to be repaired.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub content: Content,
    pub usage: Usage,
    pub repairs: Vec<reply::Repair>,
}

/// Tokens spent on one resume (zero for the offline generator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: u32,
    /// Of `prompt_tokens`, those the provider read from its prompt cache (its usage's
    /// `prompt_tokens_details.cached_tokens`), priced lower.
    pub cached_tokens: u32,
    pub completion_tokens: u32,
}

/// How far a generation has got: the share of the expected reply written (0 to 1), and
/// what is being written, in words.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Written {
    /// Of the expected reply of every call together, what has come (0 to 1).
    pub share: f64,
    /// What is being written ("Writing experience: 5 of 8 roles"); `None` once all is.
    pub status: Option<String>,
    /// A resume's sections finished so far (`None` before any is).
    pub so_far: Option<v1::ResumeContent>,
}

/// Where a generator tells how far it has got (the latest state wins).
pub type Progress = tokio::sync::watch::Sender<Written>;

/// Why a resume could not be made, decided once, where the failure is understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Worth another attempt (timeouts, connection errors, 5xx, 429, invalid output),
    /// not before `retry_after` when the service said so. `reason` is for the log.
    #[error("transient model failure: {reason}")]
    Transient { reason: String, retry_after: Option<Duration> },
    /// A reply with nothing usable in it (not JSON, not the schema's shape): tried again
    /// like a transient failure. `reason` is for the log.
    #[error("invalid model output: {reason}")]
    Invalid { reason: String },
    /// Another attempt would fail the same way (bad key, invalid request). `message` is
    /// for the job's owner: no key, no upstream body.
    #[error("{message}")]
    Permanent { message: String },
}

impl ModelError {
    /// The kind of failure, as the error groups name it.
    pub fn class(&self) -> ErrorClass {
        match self {
            ModelError::Transient { reason, .. } if reason.starts_with("HTTP 429") => ErrorClass::ModelRateLimited,
            ModelError::Transient { .. } => ErrorClass::ModelUnavailable,
            ModelError::Invalid { .. } => ErrorClass::ModelInvalidReply,
            ModelError::Permanent { .. } => ErrorClass::ModelRefused,
        }
    }
}

/// What one attempt at a resume came to, and the model's answers the job has after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub result: Result<Generated, ModelError>,
    /// Every call that has a usable reply, kept from an earlier attempt or got in this one:
    /// what a later attempt of the job need not ask for again. A call that failed has none.
    pub answers: Vec<v1::ModelAnswer>,
}

/// A resume's text read into a candidate draft (not yet checked against the text), and
/// what reading it cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Read {
    pub candidate: v1::Candidate,
    pub warnings: Vec<crate::import::Warning>,
    pub usage: Usage,
}

/// Makes the content of a resume, and reads a resume's text into a candidate.
pub trait Generator: Send + Sync {
    /// `text` (a resume as its owner had it) read into a candidate: by one structured call
    /// to the model, or by the offline parser.
    fn read_resume<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<Read, ModelError>>;

    /// The `document` (resume or cover letter) of `candidate`, tailored to `target` when
    /// there is one, signed with their name. A call that has an answer in `kept` (from the
    /// job's earlier attempts) is not made again; the usage counts each answer once,
    /// whichever attempt got it. How far it has got goes to `progress` as it goes.
    fn generate<'a>(
        &'a self,
        document: Document,
        candidate: &'a v1::Candidate,
        target: Option<&'a v1::CandidateJob>,
        kept: &'a [v1::ModelAnswer],
        progress: &'a Progress,
    ) -> BoxFuture<'a, Attempt>;
}

/// A resume's content, ready to render.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Resume {
    pub full_name: String,
    /// Email, phone, location and links, in that order.
    pub contact: Vec<Contact>,
    pub headline: Option<String>,
    pub summary: Option<String>,
    /// Most relevant first.
    pub skills: Vec<String>,
    pub experience: Vec<Role>,
    pub education: Vec<Study>,
    pub certifications: Vec<Certification>,
}

/// One item of the contact line; `url` makes it a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub text: String,
    pub url: Option<String>,
}

/// One role, with its highlights most relevant first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub title: String,
    pub company: String,
    pub location: Option<String>,
    /// For example "Jan 2020 – Present".
    pub period: String,
    pub highlights: Vec<String>,
}

/// One degree or course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Study {
    pub institution: String,
    /// For example "BSc, Mathematics".
    pub degree: Option<String>,
    pub period: Option<String>,
}

/// One certification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certification {
    pub name: String,
    /// For example "Linux Foundation, 2021".
    pub detail: Option<String>,
}

/// A document as the renderers show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Printable {
    Resume(Resume),
    Letter(Letter),
}

impl Printable {
    /// The file name: `Ada_Lovelace_Resume.docx`, `Ada_Lovelace_Cover_Letter.pdf`
    /// (`Candidate_A_L_Resume.pdf` anonymised); the words of the name (letters and digits
    /// with their marks, [`words::in_word`]), a hyphen inside a word kept (`Jean-Luc`).
    pub fn filename(&self, extension: &str) -> String {
        let (shown, what) = match self {
            Printable::Resume(resume) => (&resume.full_name, "Resume"),
            Printable::Letter(letter) => (&letter.sender, "Cover_Letter"),
        };
        let mut name = String::new();
        for word in shown.split(|c: char| !(words::in_word(c) || c == '-')) {
            let word = word.trim_matches('-');
            if word.chars().any(char::is_alphanumeric) {
                name.push_str(word);
                name.push('_');
            }
        }
        format!("{name}{what}.{extension}")
    }
}

/// How `content` is shown for `candidate` (a letter addressed to `target`'s company):
/// anonymised when `anonymize`.
pub fn printable(
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    content: &Content,
    anonymize: bool,
) -> Printable {
    let shown = match content {
        Content::Resume(resume) => Printable::Resume(offline::present(candidate, resume)),
        Content::CoverLetter(letter) => Printable::Letter(Letter {
            sender: candidate.full_name.trim().to_owned(),
            anonymised: false,
            contact: offline::contact(candidate),
            addressee: target.and_then(|t| offline::non_blank(t.company.as_deref())),
            greeting: letter.greeting.clone(),
            paragraphs: letter.paragraphs.clone(),
            closing: letter.closing.clone(),
            signature: letter.signature.clone(),
        }),
    };
    if anonymize { anonymous::printable(candidate, shown) } else { shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_keep_letters_only() {
        let resume = |name: &str| Printable::Resume(Resume { full_name: name.into(), ..Default::default() });
        let letter = Printable::Letter(Letter { sender: "Candidate A.L.".into(), ..Default::default() });
        assert_eq!(letter.filename("pdf"), "Candidate_A_L_Cover_Letter.pdf");
        assert_eq!(resume("Ada Lovelace").filename("docx"), "Ada_Lovelace_Resume.docx");
        assert_eq!(resume("  Jean-Luc  O'Neil ").filename("pdf"), "Jean-Luc_O_Neil_Resume.pdf");
        assert_eq!(resume("Zoë Ångström-Müller").filename("pdf"), "Zoë_Ångström-Müller_Resume.pdf");
        assert_eq!(resume("- Ada -- Lovelace-").filename("pdf"), "Ada_Lovelace_Resume.pdf");
        assert_eq!(resume("../../etc/passwd").filename("docx"), "etc_passwd_Resume.docx");
        assert_eq!(resume("Иван Петров").filename("docx"), "Иван_Петров_Resume.docx");
        assert_eq!(resume("!!!").filename("docx"), "Resume.docx");
        assert_eq!(resume("अनीता शर्मा").filename("pdf"), "अनीता_शर्मा_Resume.pdf", "a virama is inside a word");
    }
}
