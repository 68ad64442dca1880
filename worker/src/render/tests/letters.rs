//! A cover letter in every format: the sender block, the addressee, the greeting, the
//! paragraphs in order, the closing and the signature; none of the sender block when it is
//! anonymised; the file names.

use resume_proto::job::FileType;
use test_support::documents;

use super::{docx_part, pdf_text, squeezed};
use crate::{
    model::{Contact, Letter, Printable},
    render::{Paper, render},
};

pub(in crate::render) fn sample() -> Letter {
    Letter {
        sender: "Ada Lovelace".into(),
        anonymised: false,
        contact: vec![Contact { text: "ada@example.com".into(), url: Some("mailto:ada@example.com".into()) }],
        addressee: Some("Babbage & Co".into()),
        greeting: "Dear Babbage & Co hiring team,".into(),
        paragraphs: vec![
            "I am writing to apply for the Backend Engineer position at Babbage & Co.".into(),
            "I work as Programmer at Analytical Engines Ltd (Jan 2020 – Present).".into(),
            "The role asks for what I work with: Rust and PostgreSQL.".into(),
        ],
        closing: "Kind regards,".into(),
        signature: "Ada Lovelace".into(),
    }
}

pub(super) fn anonymised() -> Letter {
    Letter {
        sender: "Candidate A.L.".into(),
        anonymised: true,
        contact: Vec::new(),
        signature: "Candidate A.L.".into(),
        ..sample()
    }
}

/// What every format shows of `letter`, in reading order.
fn in_order(letter: &Letter) -> Vec<String> {
    let mut parts = vec![letter.addressee.clone().unwrap_or_default(), letter.greeting.clone()];
    parts.extend(letter.paragraphs.iter().cloned());
    parts.extend([letter.closing.clone(), letter.signature.clone()]);
    parts
}

/// The text of `letter` rendered as `file_type`, without whitespace (as [`squeezed`]).
fn text(letter: &Letter, file_type: FileType) -> String {
    let document = render(&Printable::Letter(letter.clone()), file_type, Paper::A4).unwrap();
    let text = match file_type {
        FileType::Word => documents::docx_text(&document.bytes).unwrap().0,
        FileType::Pdf => pdf_text(&document.bytes),
        FileType::Text | FileType::Markdown => String::from_utf8(document.bytes).unwrap().replace(['\\', '*'], ""),
    };
    squeezed(&text)
}

#[test]
fn every_format_shows_the_letter_in_order_under_the_sender() {
    for &file_type in FileType::ALL {
        let text = text(&sample(), file_type);
        assert!(text.starts_with(&squeezed("Ada Lovelace ada@example.com")), "{file_type}: {text}");
        let mut from = 0;
        for part in in_order(&sample()).iter().map(|p| squeezed(p)) {
            let at =
                text[from..].find(&part).unwrap_or_else(|| panic!("{file_type}: {part} not after {from} in {text}"));
            from += at + part.len();
        }
    }
    let docx = render(&Printable::Letter(sample()), FileType::Word, Paper::A4).unwrap();
    assert_eq!(docx.filename, "Ada_Lovelace_Cover_Letter.docx");
    let xml = docx_part(&docx.bytes, "word/document.xml");
    for style in ["Title", "Contact", "Addressee", "LetterBody", "Closing", "Signature"] {
        assert!(xml.contains(&format!("<w:pStyle w:val=\"{style}\"/>")), "{style} missing");
    }
}

#[test]
fn an_anonymised_letter_has_no_sender_block() {
    for &file_type in FileType::ALL {
        let text = text(&anonymised(), file_type);
        assert!(!text.contains("Ada") && !text.contains("ada@example.com"), "{file_type}: {text}");
        assert!(text.starts_with(&squeezed("Babbage & Co Dear")), "{file_type}: {text}");
        assert!(text.ends_with(&squeezed("Kind regards, Candidate A.L.")), "{file_type}: {text}");
    }
    let pdf = render(&Printable::Letter(anonymised()), FileType::Pdf, Paper::A4).unwrap();
    assert_eq!(pdf.filename, "Candidate_A_L_Cover_Letter.pdf");
}
