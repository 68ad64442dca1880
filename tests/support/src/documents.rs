//! Generated documents opened and read back, as a reader would: the parts of a DOCX (a
//! zip of XML) and the text of its body, and the text a PDF extractor finds.

use std::io::Read;

use anyhow::{Context as _, Result};

/// One part of a DOCX (a file in its zip), as text.
pub fn docx_part(bytes: &[u8], name: &str) -> Result<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("not a zip")?;
    let mut xml = String::new();
    archive.by_name(name).with_context(|| format!("no {name} in the DOCX"))?.read_to_string(&mut xml)?;
    Ok(xml)
}

/// The text of every `<w:t>` in a DOCX's `word/document.xml`, a line each, and the XML.
pub fn docx_text(bytes: &[u8]) -> Result<(String, String)> {
    let xml = docx_part(bytes, "word/document.xml")?;
    let mut text = String::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some(start) = piece.find('>') else {
            continue;
        };
        let Some(end) = piece.find("</w:t>") else {
            continue;
        };
        text.push_str(&xml_unescape(&piece[start + 1..end]));
        text.push('\n');
    }
    Ok((text, xml))
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// How many pages a PDF has.
pub fn pdf_pages(bytes: &[u8]) -> Result<usize> {
    Ok(pdf_extract::Document::load_mem(bytes).context("not a PDF")?.get_pages().len())
}

/// The text of a PDF, as a text extractor reads it.
pub fn pdf_text(bytes: &[u8]) -> Result<String> {
    pdf_extract::extract_text_from_mem(bytes).context("not a readable PDF")
}

/// The text LibreOffice reads from each DOCX, in order, a line per paragraph: a reader
/// nobody here wrote. Every file is converted in one headless run (`soffice --convert-to
/// txt`) with a profile of its own, so that runs in parallel share nothing. `soffice` comes
/// from Debian's `libreoffice-writer-nogui`, which `.ci/run` installs.
pub fn libreoffice_texts(documents: &[&[u8]]) -> Result<Vec<String>> {
    let dir = crate::TempDir::new("libreoffice")?;
    let mut inputs = Vec::new();
    for (i, bytes) in documents.iter().enumerate() {
        let path = dir.path().join(format!("{i}.docx"));
        std::fs::write(&path, bytes)?;
        inputs.push(path);
    }
    let out = dir.path().join("out");
    let ran = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.path().join("profile").display()))
        .args(["--headless", "--norestore", "--convert-to", "txt:Text (encoded):UTF8", "--outdir"])
        .arg(&out)
        .args(&inputs)
        .output()
        .context("could not run soffice: install LibreOffice (Debian: libreoffice-writer-nogui; .ci/run does)")?;
    let said = format!("{}{}", String::from_utf8_lossy(&ran.stdout), String::from_utf8_lossy(&ran.stderr));
    anyhow::ensure!(ran.status.success(), "soffice failed: {said}");
    (0..documents.len())
        .map(|i| {
            let text = std::fs::read_to_string(out.join(format!("{i}.txt")))
                .with_context(|| format!("LibreOffice did not convert document {i}: {said}"))?;
            Ok(text.trim_start_matches('\u{feff}').to_owned())
        })
        .collect()
}
