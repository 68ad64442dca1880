//! Reading a candidate's resume into a draft: the import job's work.
//!
//! - [`extract`]: the file's text (PDF text layer, DOCX body, tables, text boxes and
//!   headers, plain text), after checking the file is what its name says.
//! - [`structured`]: JSON Resume and LinkedIn exports, read exactly, with no model.
//! - [`parse`]: the offline parser, for text when no model is configured (and for what a
//!   model's reading left empty).
//! - [`verify`]: every fact of a draft read from free text must be in that text.
//! - [`dates`]: dates as resumes write them.
//!
//! A file that cannot be read fails the import at once with a message its uploader can act
//! on ([`ImportError`]); a model failure is retried like a resume's.

pub mod dates;
pub mod extract;
pub mod parse;
pub mod structured;
pub mod verify;

use resume_proto::{job::ImportFormat, text, v1};

use crate::model::{Generator, ModelError, Read};

/// The most text sent to the model (a long CV's text layer is far below it).
const MAX_MODEL_TEXT: usize = 60_000;

/// Something a draft left out, or is unsure of, by the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub field: String,
    pub message: String,
}

impl Warning {
    pub fn new(field: &str, message: &str) -> Warning {
        Warning { field: field.to_owned(), message: message.to_owned() }
    }
}

impl From<Warning> for v1::ImportWarning {
    fn from(Warning { field, message }: Warning) -> v1::ImportWarning {
        v1::ImportWarning { field, message }
    }
}

/// Why an import failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read; the message says why in words its uploader can act on.
    #[error("{0}")]
    Unreadable(String),
    /// The model's reading failed (retried when transient).
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// `file` read into a draft, with its warnings and what reading it cost.
pub async fn read(file: v1::ImportFile, generator: &dyn Generator) -> Result<Read, ImportError> {
    let format: ImportFormat = file.format.parse().map_err(ImportError::Unreadable)?;
    let name = if file.filename.is_empty() { "the pasted text".to_owned() } else { file.filename.clone() };
    // Unpacking and text extraction are CPU work: off the async threads.
    let source = tokio::task::spawn_blocking(move || source(&name, format, &file.data))
        .await
        .map_err(|_| ImportError::Unreadable("the file could not be read: it may be damaged".into()))??;
    let text = match source {
        Source::Exact(candidate, warnings) => {
            return Ok(Read { candidate: *candidate, warnings, usage: Default::default() });
        }
        Source::Text(text) => text,
    };
    let sent: String = text.chars().take(MAX_MODEL_TEXT).collect();
    let mut read = generator.read_resume(&sent).await?;
    let checked = verify::Source::new(&text);
    verify::keep_found(&mut read.candidate, &checked, &mut read.warnings);
    if gaps(&read.candidate) {
        let (offline, _) = read_text(&text, &checked);
        fill_gaps(&mut read.candidate, offline, &mut read.warnings);
    }
    if read.candidate.full_name.is_empty() && !read.warnings.iter().any(|w| w.field == "full_name") {
        read.warnings.push(Warning::new("full_name", "no name was found in the file: fill it in"));
    }
    Ok(read)
}

/// `data` (a file of `format` named `name`) read by the offline parser, as an import
/// without a model reads it, on this thread.
pub fn read_offline(name: &str, format: ImportFormat, data: &[u8]) -> Result<Read, ImportError> {
    let text = match source(name, format, data)? {
        Source::Exact(candidate, warnings) => {
            return Ok(Read { candidate: *candidate, warnings, usage: Default::default() });
        }
        Source::Text(text) => text,
    };
    let (candidate, warnings) = read_text(&text, &verify::Source::new(&text));
    Ok(Read { candidate, warnings, usage: Default::default() })
}

/// `text` read by the offline parser, each fact checked against it (`checked`).
fn read_text(text: &str, checked: &verify::Source) -> (v1::Candidate, Vec<Warning>) {
    let (mut candidate, mut warnings) = parse::parse(text);
    verify::keep_found(&mut candidate, checked, &mut warnings);
    (candidate, warnings)
}

/// `read` lacks a field the offline parser may find.
fn gaps(read: &v1::Candidate) -> bool {
    read.full_name.trim().is_empty()
        || [&read.email, &read.phone, &read.location, &read.headline, &read.summary].iter().any(|v| v.is_none())
        || read.links.is_empty()
        || read.skills.is_empty()
        || read.experience.is_empty()
        || read.education.is_empty()
        || read.certifications.is_empty()
}

/// What the model's reading `read` left empty, or had only invented (dropped as not in the
/// file), taken from the offline parser's reading `offline` of the same text (checked
/// alike): a model that misreads still leaves the recruiter what the file plainly says. Each
/// field so filled is a warning to check it; a list so filled takes the model's warnings
/// about its dropped items (`experience[0].company`) as its own (`experience`), since
/// those items are not the ones now in it.
fn fill_gaps(read: &mut v1::Candidate, offline: v1::Candidate, warnings: &mut Vec<Warning>) {
    let mut filled = Vec::new();
    if read.full_name.trim().is_empty() && !offline.full_name.is_empty() {
        read.full_name = offline.full_name;
        filled.push("full_name");
    }
    for (field, ours, theirs) in [
        ("email", &mut read.email, offline.email),
        ("phone", &mut read.phone, offline.phone),
        ("location", &mut read.location, offline.location),
        ("headline", &mut read.headline, offline.headline),
        ("summary", &mut read.summary, offline.summary),
    ] {
        if ours.is_none() && theirs.is_some() {
            *ours = theirs;
            filled.push(field);
        }
    }
    /// Takes `theirs` into an empty `ours`: whether it did.
    fn take<T>(ours: &mut Vec<T>, theirs: Vec<T>) -> bool {
        let empty = ours.is_empty() && !theirs.is_empty();
        if empty {
            *ours = theirs;
        }
        empty
    }
    for (field, took) in [
        ("links", take(&mut read.links, offline.links)),
        ("skills", take(&mut read.skills, offline.skills)),
        ("experience", take(&mut read.experience, offline.experience)),
        ("education", take(&mut read.education, offline.education)),
        ("certifications", take(&mut read.certifications, offline.certifications)),
    ] {
        if took {
            let item = format!("{field}[");
            for warning in warnings.iter_mut().filter(|w| w.field.starts_with(&item)) {
                warning.field = field.to_owned();
            }
            filled.push(field);
        }
    }
    for field in filled {
        warnings.push(Warning::new(field, "the model read none; this was read from the file without it: check it"));
    }
}

/// What a file gives: a candidate read exactly, or text to read.
enum Source {
    Exact(Box<v1::Candidate>, Vec<Warning>),
    Text(String),
}

fn source(name: &str, format: ImportFormat, data: &[u8]) -> Result<Source, ImportError> {
    extract::check_kind(name, format, data)?;
    Ok(match format {
        ImportFormat::JsonResume => {
            let (candidate, warnings) = structured::json_resume(name, data)?;
            Source::Exact(Box::new(candidate), warnings)
        }
        ImportFormat::Linkedin => {
            let (candidate, warnings) = structured::linkedin(name, data)?;
            Source::Exact(Box::new(candidate), warnings)
        }
        // Without control characters (what is saved may hold none; a model's reading of the
        // text is made printable as any reply is), a page break being a line break.
        ImportFormat::Pdf => Source::Text(text::printable_lines(&extract::pdf(name, data)?)),
        ImportFormat::Docx => Source::Text(text::printable_lines(&extract::docx(name, data)?)),
        ImportFormat::Text => Source::Text(text::printable_lines(&extract::text(name, data)?)),
    })
}

#[cfg(test)]
mod tests;
