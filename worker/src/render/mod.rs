//! Turning a [`Resume`](crate::model::Resume) into a file.

pub mod docx;
mod glyph_runs;
pub mod pdf;
pub mod text;

pub use pdf::Paper;

use resume_proto::job::FileType;

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
    #[error("could not write the DOCX: {0}")]
    Docx(String),
    #[error("could not typeset the PDF: {0}")]
    Pdf(String),
}

/// Renders `resume` as `file_type`; `paper` sizes a PDF's pages.
pub fn render(resume: &Resume, file_type: FileType, paper: Paper) -> Result<Document, RenderError> {
    let (content_type, bytes) = match file_type {
        FileType::Word => (docx::CONTENT_TYPE, docx::render(resume, paper)?),
        FileType::Pdf => (pdf::CONTENT_TYPE, pdf::render(resume, paper)?),
        FileType::Text => (text::TEXT_CONTENT_TYPE, text::plain(resume).into_bytes()),
        FileType::Markdown => (text::MARKDOWN_CONTENT_TYPE, text::markdown(resume).into_bytes()),
    };
    Ok(Document { filename: resume.filename(file_type.extension()), content_type: content_type.to_owned(), bytes })
}

#[cfg(test)]
mod tests;
