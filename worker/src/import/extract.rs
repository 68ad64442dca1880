//! A file's text, as the importer reads it: a PDF's text layer, a Word document's body,
//! tables, text boxes and headers, a text file — after checking the file is what its name
//! says; and the normalisation every comparison with that text goes through.

use std::io::Read;

use resume_proto::job::ImportFormat;
use unicode_normalization::UnicodeNormalization;

use super::ImportError;

/// The most a DOCX part or a LinkedIn CSV may unpack to, and the most entries a ZIP may
/// hold: a ZIP bomb is refused, not unpacked.
pub const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_ENTRIES: usize = 2_000;

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Pdf,
    Zip,
    Json,
    Text,
    Binary,
}

impl Sniffed {
    pub fn of(data: &[u8]) -> Sniffed {
        let head = &data[..data.len().min(1024)];
        if head.windows(5).any(|w| w == b"%PDF-") {
            Sniffed::Pdf
        } else if head.starts_with(b"PK\x03\x04") {
            Sniffed::Zip
        } else if head.trim_ascii_start().starts_with(b"{") && std::str::from_utf8(data).is_ok() {
            Sniffed::Json
        } else if std::str::from_utf8(data).is_ok()
            || head.starts_with(b"\xff\xfe")
            || head.starts_with(b"\xfe\xff")
            // Text in a legacy 8-bit encoding: no control character but line breaks and tabs
            // (an image or another program's format has them in its first bytes).
            || head.iter().all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        {
            Sniffed::Text
        } else {
            Sniffed::Binary
        }
    }

    /// What a person calls it.
    pub fn described(self) -> &'static str {
        match self {
            Sniffed::Pdf => "a PDF",
            Sniffed::Zip => "a ZIP archive (or a Word document)",
            Sniffed::Json => "a JSON document",
            Sniffed::Text => "a text file",
            Sniffed::Binary => "a binary file (an image or another program's format)",
        }
    }
}

/// Refuses a file whose bytes are not of `format`, naming what they look like.
pub fn check_kind(name: &str, format: ImportFormat, data: &[u8]) -> Result<(), ImportError> {
    let sniffed = Sniffed::of(data);
    let fits = match format {
        ImportFormat::Pdf => sniffed == Sniffed::Pdf,
        ImportFormat::Docx | ImportFormat::Linkedin => sniffed == Sniffed::Zip,
        ImportFormat::JsonResume => sniffed == Sniffed::Json,
        ImportFormat::Text => matches!(sniffed, Sniffed::Text | Sniffed::Json),
    };
    if fits {
        return Ok(());
    }
    let expected = match format {
        ImportFormat::Pdf => "a PDF",
        ImportFormat::Docx => "a Word document",
        ImportFormat::Linkedin => "a ZIP archive",
        ImportFormat::JsonResume => "a JSON document",
        ImportFormat::Text => "a text file",
    };
    Err(ImportError::Unreadable(format!("{name} is not {expected}: it looks like {}", sniffed.described())))
}

/// A PDF's text layer.
pub fn pdf(name: &str, data: &[u8]) -> Result<String, ImportError> {
    let document = pdf_extract::Document::load_mem(data)
        .map_err(|_| ImportError::Unreadable(format!("{name} could not be opened as a PDF: it may be damaged")))?;
    let encrypted = document.is_encrypted();
    // The extractor can panic on a malformed page: that is an unreadable file, not a crash.
    let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(data)).ok().and_then(Result::ok);
    let text = text.map(|t| t.trim().to_owned()).unwrap_or_default();
    // In the issue's words (the import's row names the file).
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Err(ImportError::Unreadable(
            if encrypted {
                "this PDF is encrypted (password-protected): save it without a password, or paste the text instead"
            } else {
                "this PDF is a scan with no text in it: paste the text instead"
            }
            .to_owned(),
        ));
    }
    Ok(text)
}

/// Opens a ZIP, refusing one with too many entries.
pub fn zip<'a>(name: &str, data: &'a [u8]) -> Result<zip::ZipArchive<std::io::Cursor<&'a [u8]>>, ImportError> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|_| {
        ImportError::Unreadable(format!("{name} could not be opened as a ZIP archive: it may be damaged"))
    })?;
    if archive.len() > MAX_ENTRIES {
        return Err(ImportError::Unreadable(format!(
            "{name} holds {} files; an import reads archives of at most {MAX_ENTRIES}",
            archive.len()
        )));
    }
    Ok(archive)
}

/// The entry `path` of `archive` (`None` when absent), unpacked to at most
/// [`MAX_PART_BYTES`], whatever its header claims.
pub fn entry(
    name: &str,
    archive: &mut zip::ZipArchive<std::io::Cursor<&'_ [u8]>>,
    path: &str,
) -> Result<Option<Vec<u8>>, ImportError> {
    let mut file = match archive.by_name(path) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(_) => return Err(ImportError::Unreadable(format!("{name}: {path} could not be unpacked"))),
    };
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| ImportError::Unreadable(format!("{name}: {path} could not be unpacked")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(ImportError::Unreadable(format!(
            "{name}: {path} unpacks to more than {} MiB; an import reads nothing that large",
            MAX_PART_BYTES / (1024 * 1024)
        )));
    }
    Ok(Some(bytes))
}

/// A Word document's text: its headers (where a name and contact line often sit), then its
/// body, each paragraph a line (also those in tables and text boxes), list items marked
/// as bullets.
pub fn docx(name: &str, data: &[u8]) -> Result<String, ImportError> {
    let mut archive = zip(name, data)?;
    let Some(body) = entry(name, &mut archive, "word/document.xml")? else {
        return Err(ImportError::Unreadable(format!(
            "{name} is not a Word document: it is a ZIP without word/document.xml"
        )));
    };
    let mut headers: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("word/header") && n.ends_with(".xml"))
        .map(str::to_owned)
        .collect();
    headers.sort();
    let mut text = String::new();
    for part in headers.iter().map(String::as_str).chain(["word/document.xml"]) {
        let xml = if part == "word/document.xml" { Some(body.clone()) } else { entry(name, &mut archive, part)? };
        let Some(xml) = xml else { continue };
        let xml =
            String::from_utf8(xml).map_err(|_| ImportError::Unreadable(format!("{name}: {part} is not UTF-8 XML")))?;
        let document = roxmltree::Document::parse(&xml).map_err(|_| {
            ImportError::Unreadable(format!("{name}: {part} is not well-formed XML; the file may be damaged"))
        })?;
        paragraphs(document.root(), &mut text);
    }
    Ok(text)
}

/// Writes the text under `node`: a line per paragraph.
fn paragraphs(node: roxmltree::Node<'_, '_>, out: &mut String) {
    for child in node.children().filter(roxmltree::Node::is_element) {
        match child.tag_name().name() {
            "p" => {
                let listed = child.descendants().any(|d| d.tag_name().name() == "numPr");
                if listed {
                    out.push_str("• ");
                }
                paragraphs(child, out);
                out.push('\n');
            }
            "t" => out.push_str(child.text().unwrap_or_default()),
            // A drawing written two ways (Word writes each text box so: a modern shape and
            // a fallback for older readers) holds the same text twice: read the first only.
            "AlternateContent" => {
                if let Some(first) = child.children().find(roxmltree::Node::is_element) {
                    paragraphs(first, out);
                }
            }
            "tab" => out.push('\t'),
            "br" | "cr" => out.push('\n'),
            // Deleted text (tracked changes) is not the document's.
            "del" | "instrText" => {}
            _ => paragraphs(child, out),
        }
    }
}

/// A text file's text: UTF-8, UTF-16 with its byte-order mark, or else Windows-1252 (what
/// Notepad and Word saved as "ANSI" in Western Europe and the Americas; a superset of
/// ISO-8859-1's printable characters, as browsers read that too).
pub fn text(name: &str, data: &[u8]) -> Result<String, ImportError> {
    let utf16 = |bytes: &[u8], read: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes.chunks_exact(2).map(|c| read([c[0], c[1]])).collect();
        String::from_utf16(&units).ok()
    };
    let text = match data {
        [0xff, 0xfe, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xfe, 0xff, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => Some(match std::str::from_utf8(data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data)) {
            Ok(text) => text.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(data).0.into_owned(),
        }),
    };
    let text = text.ok_or_else(|| {
        ImportError::Unreadable(format!(
            "{name} is not readable UTF-16 text: save it as UTF-8, or paste the text instead"
        ))
    })?;
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Err(ImportError::Unreadable(format!("{name} has no text in it")));
    }
    Ok(text)
}

/// `text` as the importer compares it: Unicode-compatibility form (ligatures become
/// letters), lowercase, every dash a hyphen, curly quotes straight, invisible characters
/// gone, any run of spaces and tabs one space.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let c = match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{feff}' => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_evens_out_what_extraction_varies() {
        assert_eq!(normalise("Ofﬁce\t\tManager  –  Acme"), "office manager - acme");
        assert_eq!(normalise("O’Neil\u{00ad}s"), "o'neils");
        assert_eq!(normalise("  Zoë  "), normalise("Zoe\u{0308}"));
    }

    /// A Word document as other tools write it: the name in a header, a role in a table,
    /// a contact line in a text box (an old one, and one as Word writes it, a shape with
    /// its fallback), bullets as numbered paragraphs, tracked deletions.
    #[test]
    fn a_docx_gives_its_headers_tables_and_text_boxes() {
        use std::io::Write;
        let body = r#"<w:document xmlns:w="w" xmlns:mc="mc" xmlns:wps="wps"><w:body>
            <w:p><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>ada@example.com</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>
            <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>
                <w:p><w:r><w:t>London</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>
                <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>London</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>
            </mc:AlternateContent></w:r></w:p>
            <w:p><w:r><w:t>EXPERIENCE</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Engineer,</w:t><w:tab/><w:t>Acme</w:t></w:r></w:p></w:tc>
                <w:tc><w:p><w:r><w:t>2019 – 2021</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>Shipped</w:t></w:r><w:del><w:r><w:t>deleted</w:t></w:r></w:del></w:p>
        </w:body></w:document>"#;
        let header = r#"<w:hdr xmlns:w="w"><w:p><w:r><w:t>Ada Lovelace</w:t></w:r></w:p></w:hdr>"#;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, xml) in [("word/document.xml", body), ("word/header1.xml", header)] {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        let text = docx("cv.docx", &zip.finish().unwrap().into_inner()).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            ["Ada Lovelace", "ada@example.com", "London", "EXPERIENCE", "Engineer,\tAcme", "2019 – 2021", "• Shipped"]
        );
    }

    /// A ZIP bomb is refused while it is read: a part that unpacks past the bound (however
    /// small it is packed), or more entries than an export ever has.
    #[test]
    fn zip_bombs_are_refused_not_unpacked() {
        use std::io::Write;
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("Positions.csv", options).unwrap();
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..=MAX_PART_BYTES >> 20 {
            zip.write_all(&zeros).unwrap();
        }
        let bomb = zip.finish().unwrap().into_inner();
        assert!(bomb.len() < 1 << 20, "packed small: {} bytes", bomb.len());
        let mut archive = self::zip("bomb.zip", &bomb).unwrap();
        let refused = entry("bomb.zip", &mut archive, "Positions.csv").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "bomb.zip: Positions.csv unpacks to more than 16 MiB; an import reads nothing that large"
        );

        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for n in 0..=MAX_ENTRIES {
            zip.start_file(format!("{n}.csv"), zip::write::SimpleFileOptions::default()).unwrap();
        }
        let many = zip.finish().unwrap().into_inner();
        let Err(refused) = self::zip("many.zip", &many) else { panic!("2,001 entries were taken") };
        assert_eq!(refused.to_string(), "many.zip holds 2001 files; an import reads archives of at most 2000");
    }

    #[test]
    fn files_that_are_not_what_their_names_say_are_named() {
        let refused = |format, data: &[u8]| match check_kind("cv.pdf", format, data) {
            Err(ImportError::Unreadable(message)) => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refused(ImportFormat::Pdf, b"PK\x03\x04rest"),
            "cv.pdf is not a PDF: it looks like a ZIP archive (or a Word document)"
        );
        assert!(
            refused(ImportFormat::Docx, b"%PDF-1.7").starts_with("cv.pdf is not a Word document: it looks like a PDF")
        );
        assert!(check_kind("cv.txt", ImportFormat::Text, "Ада".as_bytes()).is_ok());
        // A text file saved as "ANSI" (Windows-1252) is text, read as such.
        let ansi = b"Zo\xeb M\xfcller \x96 \x93Engineer\x94\r\n";
        assert!(check_kind("cv.txt", ImportFormat::Text, ansi).is_ok());
        assert_eq!(text("cv.txt", ansi).unwrap(), "Zoë Müller – “Engineer”\r\n");
        assert!(refused(ImportFormat::Text, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe\x00").contains("binary file"));
    }
}
