//! What the tests and the load generator share: a fake OpenAI-compatible model server
//! ([`fake_model`]), the sample data and tokens both send ([`fixtures`]), folders removed
//! when dropped ([`TempDir`]), ports outside the kernel's ephemeral range for processes that
//! must be told theirs ([`ports`]), and, with feature `documents`, the readers that open a
//! DOCX and a PDF and give back their text ([`documents`]), LibreOffice's reading of a DOCX
//! among them, and a PDF's text trace: lines with their positions, empty-box glyphs
//! ([`pdf_trace`]); a provider's prompt cache, which the fake counts its usage with
//! ([`prompt_cache`]).

#[cfg(feature = "documents")]
pub mod documents;
pub mod fake_model;
pub mod fixtures;
#[cfg(feature = "documents")]
pub mod pdf_trace;
pub mod ports;
pub mod prompt_cache;

use std::path::{Path, PathBuf};

/// A new folder under the system's temporary directory, removed with what it holds when
/// dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new folder named `<label>-<random>`.
    pub fn new(label: &str) -> std::io::Result<TempDir> {
        let dir = std::env::temp_dir().join(format!("{label}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
