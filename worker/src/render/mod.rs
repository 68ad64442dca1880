//! Turning a [`Resume`](crate::model::Resume) into a file.

pub mod docx;
pub mod pdf;

pub use pdf::Paper;

use crate::model::Resume;

/// A finished document.
#[derive(Debug, Clone)]
pub struct Document {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What rendering can fail with.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("unsupported file type {0:?}")]
    UnsupportedType(String),
    #[error("could not write the DOCX: {0}")]
    Docx(String),
    #[error("could not typeset the PDF: {0}")]
    Pdf(String),
}

/// Renders `resume` as `file_type` (`"word"` or `"pdf"`); `paper` sizes a PDF's pages.
pub fn render(resume: &Resume, file_type: &str, paper: Paper) -> Result<Document, RenderError> {
    match file_type {
        "word" => Ok(Document {
            filename: resume.filename("docx"),
            content_type: docx::CONTENT_TYPE.to_owned(),
            bytes: docx::render(resume, paper)?,
        }),
        "pdf" => Ok(Document {
            filename: resume.filename("pdf"),
            content_type: pdf::CONTENT_TYPE.to_owned(),
            bytes: pdf::render(resume, paper)?,
        }),
        other => Err(RenderError::UnsupportedType(other.to_owned())),
    }
}

#[cfg(test)]
mod tests;
