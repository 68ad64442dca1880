//! Reading a candidate's resume into a draft: the import job's work.
//!
//! - [`extract`]: the file's text (PDF text layer, DOCX body, tables, text boxes and
//!   headers, plain text), after checking the file is what its name says.
//! - [`structured`]: JSON Resume and LinkedIn exports, read exactly, with no model.
//! - [`parse`]: the offline parser, for text when no model is configured.
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

use resume_proto::{job::ImportFormat, v1};

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
    if read.candidate.full_name.is_empty() && !read.warnings.iter().any(|w| w.field == "full_name") {
        read.warnings.push(Warning::new("full_name", "no name was found in the file: fill it in"));
    }
    Ok(read)
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
        ImportFormat::Pdf => Source::Text(extract::pdf(name, data)?),
        ImportFormat::Docx => Source::Text(extract::docx(name, data)?),
        ImportFormat::Text => Source::Text(extract::text(name, data)?),
    })
}

#[cfg(test)]
mod tests;
