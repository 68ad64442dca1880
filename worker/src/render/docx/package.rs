//! A document's DOCX package (the ZIP of its parts), with the parts every document shares
//! compressed once per process. docx-rust's `Docx::write` serialises and deflates all nine
//! parts at every render, each with a fresh compressor whose tables are zeroed first: that
//! was a fifth of a DOCX's render time, and the styles, font table, numbering, content
//! types, package relationships and app properties are the same bytes every time. So the
//! shared six are written once, by docx-rust itself from [`super::base`], and copied as they
//! are, compressed, into each package; only the core properties, the document and its
//! relationships are written per document, the way docx-rust writes them. A package holds
//! the parts and the bytes `Docx::write` would give for the same document (a test compares
//! them part by part), the content types first.

use std::{io::Cursor, sync::LazyLock};

use docx_rust::Docx;
use hard_xml::{XmlWrite, XmlWriter};
use zip::{CompressionMethod, ZipArchive, ZipWriter, write::SimpleFileOptions};

use super::{RenderError, base};

/// The parts written per document; every other part of a package is [`base`]'s.
const CORE: &str = "docProps/core.xml";
const DOCUMENT: &str = "word/document.xml";
const DOCUMENT_RELS: &str = "word/_rels/document.xml.rels";

/// The shared parts, compressed, as a ZIP read once (a copy of it is cheap: its bytes and
/// a shared index); an error (never expected) is kept as its message and given to every
/// render.
static SHARED: LazyLock<Result<ZipArchive<Cursor<Vec<u8>>>, String>> =
    LazyLock::new(|| shared().map_err(|e| e.to_string()));

/// The package of `docx`, whose shared parts are [`base`]'s.
pub fn write(docx: &Docx<'_>) -> Result<Vec<u8>, RenderError> {
    let shared = SHARED.as_ref().map_err(|e| RenderError::Docx(e.clone()))?;
    package(docx, shared.clone()).map_err(|e| RenderError::Docx(e.to_string()))
}

/// A new ZIP of `shared`'s parts, copied as they are, then `docx`'s own.
fn package(docx: &Docx<'_>, mut shared: ZipArchive<Cursor<Vec<u8>>>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut writer = XmlWriter::new(ZipWriter::new(Cursor::new(Vec::with_capacity(8 * 1024))));
    for index in 0..shared.len() {
        writer.inner.raw_copy_file(shared.by_index_raw(index)?)?;
    }
    // As docx-rust's options.
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).unix_permissions(0o755);
    if let Some(core) = &docx.core {
        writer.inner.start_file(CORE, options)?;
        core.to_writer(&mut writer)?;
    }
    writer.inner.start_file(DOCUMENT, options)?;
    docx.document.to_writer(&mut writer)?;
    if let Some(rels) = &docx.document_rels {
        writer.inner.start_file(DOCUMENT_RELS, options)?;
        rels.to_writer(&mut writer)?;
    }
    Ok(writer.inner.finish()?.into_inner())
}

/// [`base`] written by docx-rust, in its order, without the parts written per document.
fn shared() -> Result<ZipArchive<Cursor<Vec<u8>>>, Box<dyn std::error::Error>> {
    let mut docx = base();
    let written = docx.write(Cursor::new(Vec::new()))?.into_inner();
    let mut all = ZipArchive::new(Cursor::new(written))?;
    let mut kept = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..all.len() {
        let part = all.by_index_raw(index)?;
        if ![CORE, DOCUMENT, DOCUMENT_RELS].contains(&part.name()) {
            kept.raw_copy_file(part)?;
        }
    }
    Ok(ZipArchive::new(kept.finish()?)?)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::render::{
        Paper,
        docx::{letter_document, resume_document},
        tests::{letters, sample},
    };

    /// A package's parts: name and uncompressed bytes.
    type Parts = Vec<(String, Vec<u8>)>;

    /// Every part of the package `bytes`, in its order.
    fn parts(bytes: &[u8]) -> Parts {
        let mut archive = ZipArchive::new(Cursor::new(bytes)).expect("a ZIP");
        (0..archive.len())
            .map(|i| {
                let mut part = archive.by_index(i).expect("a part");
                let mut content = Vec::new();
                part.read_to_end(&mut content).expect("its content");
                (part.name().to_owned(), content)
            })
            .collect()
    }

    /// The parts of `docx`'s package, ours and docx-rust's own.
    fn both<'a>(docx: &'a mut Docx<'a>) -> (Parts, Parts) {
        let ours = parts(&write(docx).unwrap());
        let theirs = parts(&docx.write(Cursor::new(Vec::new())).unwrap().into_inner());
        (ours, theirs)
    }

    #[test]
    fn a_package_holds_the_parts_and_bytes_docx_rust_writes_for_the_same_document() {
        let (resume, letter) = (sample(), letters::sample());
        let (mut resume, mut letter) = (resume_document(&resume, Paper::A4), letter_document(&letter, Paper::UsLetter));
        let packages = [both(&mut resume), both(&mut letter)];
        for (ours, theirs) in &packages {
            assert_eq!(ours[0].0, "[Content_Types].xml", "the content types first");
            let (mut ours, mut theirs) = (ours.clone(), theirs.clone());
            ours.sort();
            theirs.sort();
            assert_eq!(ours.len(), 9, "{:?}", ours.iter().map(|(name, _)| name).collect::<Vec<_>>());
            assert_eq!(ours, theirs, "the same parts with the same bytes");
        }
        // A reader that walks the file from its start (Java's ZipInputStream, POI from a
        // stream) finds every part, and the file holds one central directory, not also the
        // shared parts' own.
        let bytes = super::super::render(&sample(), Paper::A4).unwrap();
        let mut stream = Cursor::new(&bytes[..]);
        let mut walked = Vec::new();
        while let Some(part) = zip::read::read_zipfile_from_stream(&mut stream).unwrap() {
            walked.push(part.name().to_owned());
        }
        let listed: Vec<String> = packages[0].0.iter().map(|(name, _)| name.clone()).collect();
        assert_eq!(walked, listed, "every part, walked in order");
        let directory_entries = bytes.windows(4).filter(|w| *w == b"PK\x01\x02").count();
        assert_eq!(directory_entries, 9, "one central directory");
        let rels = packages[0].0.iter().find(|(name, _)| name == DOCUMENT_RELS).unwrap();
        assert!(String::from_utf8_lossy(&rels.1).contains("https://"), "the document's own relationships are its own");
    }
}
