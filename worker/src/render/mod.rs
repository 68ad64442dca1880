//! Turning a [`Printable`] (a resume or a cover letter) into a file.

pub mod docx;
mod glyph_runs;
pub mod pdf;
pub mod text;

pub use pdf::Paper;

use resume_proto::job::FileType;

use crate::model::Printable;

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
    #[error("could not write the DOCX: {0}")]
    Docx(String),
    #[error("could not typeset the PDF: {0}")]
    Pdf(String),
}

/// Renders `shown` as `file_type`; `paper` sizes a PDF's (and a DOCX's) pages.
pub fn render(shown: &Printable, file_type: FileType, paper: Paper) -> Result<Document, RenderError> {
    let (content_type, bytes) = match (file_type, shown) {
        (FileType::Word, Printable::Resume(resume)) => (docx::CONTENT_TYPE, docx::render(resume, paper)?),
        (FileType::Word, Printable::Letter(letter)) => (docx::CONTENT_TYPE, docx::letter(letter, paper)?),
        (FileType::Pdf, shown) => (pdf::CONTENT_TYPE, pdf::render(shown, paper)?),
        (FileType::Text, Printable::Resume(resume)) => (text::TEXT_CONTENT_TYPE, text::plain(resume).into_bytes()),
        (FileType::Text, Printable::Letter(letter)) => {
            (text::TEXT_CONTENT_TYPE, text::letter(letter, false).into_bytes())
        }
        (FileType::Markdown, Printable::Resume(resume)) => {
            (text::MARKDOWN_CONTENT_TYPE, text::markdown(resume).into_bytes())
        }
        (FileType::Markdown, Printable::Letter(letter)) => {
            (text::MARKDOWN_CONTENT_TYPE, text::letter(letter, true).into_bytes())
        }
    };
    Ok(Document { filename: shown.filename(file_type.extension()), content_type: content_type.to_owned(), bytes })
}

#[cfg(test)]
mod tests;
