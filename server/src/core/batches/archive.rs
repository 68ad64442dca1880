//! A batch's download: a ZIP written as it is sent, never held whole. Each SUCCESS item's
//! file is read, written into the archive (stored, not compressed: PDFs and DOCX are
//! compressed already) and what the archive has so far is sent on before the next file is
//! read; `manifest.csv` (candidate, status, file, error, fit: one row per item) ends it.

use std::{
    borrow::Cow,
    collections::HashSet,
    io::Write,
    sync::{Arc, Mutex},
};

use resume_proto::job::JobStatus;
use tokio::sync::mpsc;
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::{
    AppState,
    core::{batches, documents, fit},
    error::{Error, Result},
};

/// The archive's media type.
pub const CONTENT_TYPE: &str = "application/zip";

/// The manifest's name inside the archive.
const MANIFEST: &str = "manifest.csv";

/// What the archive's download is saved as.
pub fn filename(batch_id: &str) -> String {
    format!("batch-{batch_id}.zip")
}

/// Where the ZIP writer writes: a buffer the sender empties after each file.
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn archive_error(error: impl std::fmt::Display) -> Error {
    Error::Archive(error.to_string())
}

/// File names made unique within one archive: `A_Resume.pdf`, `A_Resume_2.pdf`, …
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    /// `wanted`, or the first of its numbered forms not taken yet (a path separator in it
    /// becomes `_`: every file sits at the archive's top).
    fn unique(&mut self, wanted: &str) -> String {
        let wanted = wanted.replace(['/', '\\'], "_");
        let (stem, ext) = match wanted.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
            _ => (wanted.clone(), String::new()),
        };
        let mut name = wanted;
        let mut n = 1;
        while !self.0.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{stem}_{n}{ext}");
        }
        name
    }
}

/// Sends the archive of batch `batch_id` (already checked to be the caller's) into `out`,
/// a piece at a time; stops early, quietly, when the receiver goes away.
pub async fn send(state: &AppState, batch_id: &str, out: &mpsc::Sender<Result<Vec<u8>>>) -> Result<()> {
    let items = batches::items(state, batch_id).await?;
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let mut zip = ZipWriter::new_stream(Buffer(buffer.clone()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut names = Names::default();
    names.unique(MANIFEST);
    let mut manifest = csv::Writer::from_writer(Vec::new());
    manifest.write_record(["candidate", "status", "file", "error", "fit"]).map_err(archive_error)?;
    for (job, candidate) in items {
        let status = job.status;
        let error_message = job.error_message.clone().unwrap_or_default();
        // Blank when it has none (README, "Batches").
        let fit = fit::score_of(state, &job).await?.map(|score| score.to_string()).unwrap_or_default();
        let (file, error) = match status {
            JobStatus::Success => match documents::file_of(state, job).await {
                Ok((filename, _, bytes)) => {
                    let name = names.unique(&filename);
                    zip.start_file(name.as_str(), options).map_err(archive_error)?;
                    zip.write_all(&bytes).map_err(archive_error)?;
                    (name, String::new())
                }
                // Past retention: the manifest says so, the rest is still downloaded.
                Err(Error::FailedPrecondition(message)) => (String::new(), message),
                Err(error) => return Err(error),
            },
            JobStatus::Pending | JobStatus::Processing | JobStatus::Failure | JobStatus::Cancelled => {
                (String::new(), error_message)
            }
        };
        let row = [inert(&candidate), status.as_str().into(), inert(&file), inert(&error), fit.into()];
        manifest.write_record(row.iter().map(|cell| cell.as_bytes())).map_err(archive_error)?;
        if !send_written(&buffer, out).await {
            return Ok(());
        }
    }
    let manifest = manifest.into_inner().map_err(archive_error)?;
    zip.start_file(MANIFEST, options).map_err(archive_error)?;
    zip.write_all(&manifest).map_err(archive_error)?;
    zip.finish().map_err(archive_error)?;
    send_written(&buffer, out).await;
    Ok(())
}

/// `text` as a manifest cell no spreadsheet runs as a formula: one that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (a candidate named `=HYPERLINK(…)`) is
/// prefixed with `'`, as OWASP's advice on CSV injection has it.
fn inert(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Sends what the archive has written since the last send; false once nobody listens.
async fn send_written(buffer: &Mutex<Vec<u8>>, out: &mpsc::Sender<Result<Vec<u8>>>) -> bool {
    let written = std::mem::take(&mut *buffer.lock().unwrap_or_else(|e| e.into_inner()));
    written.is_empty() || out.send(Ok(written)).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cell_is_a_formula() {
        for formula in ["=HYPERLINK(\"http://evil.example/\",\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(formula), format!("'{formula}"));
        }
        for text in ["Ada Lovelace", "王小明", "", "the model service was unavailable"] {
            assert_eq!(inert(text), text);
        }
    }

    #[test]
    fn names_are_made_unique_and_kept_flat() {
        let mut names = Names::default();
        assert_eq!(names.unique(MANIFEST), MANIFEST);
        assert_eq!(names.unique("Ada_Resume.pdf"), "Ada_Resume.pdf");
        assert_eq!(names.unique("Ada_Resume.pdf"), "Ada_Resume_2.pdf");
        assert_eq!(names.unique("ada_resume.PDF"), "ada_resume_3.PDF");
        assert_eq!(names.unique("manifest.csv"), "manifest_2.csv");
        assert_eq!(names.unique("../x/Ada.pdf"), ".._x_Ada.pdf");
        assert_eq!(names.unique("README"), "README");
        assert_eq!(names.unique("README"), "README_2");
    }
}
