//! Both formats rendered from one resume and read back: every section's content is
//! there, hostile strings come out literally, non-Latin scripts keep their glyphs, LibreOffice
//! reads every DOCX as written; every script ([`scripts`]) and page breaks ([`page_breaks`])
//! in their own modules.

use resume_proto::job::FileType;
use test_support::documents;

use super::{Paper, docx, pdf, render};
use crate::model::{Certification, Contact, Printable, Resume, Role, Study};

pub(super) fn sample() -> Resume {
    Resume {
        full_name: "Ada Lovelace".into(),
        contact: vec![
            Contact { text: "ada@example.com".into(), url: Some("mailto:ada@example.com".into()) },
            Contact { text: "London, UK".into(), url: None },
            Contact { text: "github.com/ada".into(), url: Some("https://github.com/ada".into()) },
        ],
        headline: Some("Analytical engine programmer".into()),
        summary: Some("Mathematician who wrote the first published algorithm.".into()),
        skills: vec!["Rust".into(), "PostgreSQL".into(), "Mathematics".into()],
        experience: vec![
            Role {
                title: "Programmer".into(),
                company: "Analytical Engines Ltd".into(),
                location: Some("London".into()),
                period: "Jan 2020 – Present".into(),
                highlights: vec!["Built a Rust service on PostgreSQL".into(), "Translated the memoir".into()],
            },
            Role {
                title: "Assistant".into(),
                company: "Difference Works".into(),
                location: None,
                period: "Mar 2018 – Dec 2019".into(),
                highlights: vec!["Tabulated polynomials".into()],
            },
        ],
        education: vec![Study {
            institution: "University of London".into(),
            degree: Some("BSc, Mathematics".into()),
            period: Some("2012 – 2015".into()),
        }],
        certifications: vec![Certification {
            name: "Certified Engine Operator".into(),
            detail: Some("Royal Society, 2021".into()),
        }],
    }
}

/// Strings that would break or subvert markup if spliced into it.
const HOSTILE: &[&str] = &[
    "#import \"/etc/passwd\"",
    "] #panic(\"boom\") [",
    "$x^2$ *bold* _em_ `raw` @label <tag>",
    "</w:t><w:t>injected",
    "{ PAGE } & <script>",
    "\\ // /* unterminated",
];

fn pdf_text(bytes: &[u8]) -> String {
    documents::pdf_text(bytes).expect("a readable PDF")
}

/// Text with all white space removed, to compare what line breaking may split.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// One part of a DOCX, as text.
fn docx_part(bytes: &[u8], name: &str) -> String {
    documents::docx_part(bytes, name).expect("a DOCX part")
}

fn docx_xml(bytes: &[u8]) -> String {
    docx_part(bytes, "word/document.xml")
}

#[test]
fn the_docx_declares_a_default_style_its_properties_and_a_serif() {
    let bytes = docx::render(&sample(), Paper::A4).unwrap();
    let styles = docx_part(&bytes, "word/styles.xml");
    let normal = styles.split("<w:style ").find(|s| s.contains("w:styleId=\"Normal\"")).expect("a Normal style");
    assert!(normal.contains("w:type=\"paragraph\"") && normal.contains("w:default=\"true\""), "{normal}");
    let heading = styles.split("<w:style ").find(|s| s.contains("w:styleId=\"Heading1\"")).unwrap();
    assert!(heading.contains("<w:basedOn w:val=\"Normal\"/>"), "{heading}");
    assert!(styles.contains("w:ascii=\"Cambria\""), "{styles}");

    let core = docx_part(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:title>Ada Lovelace — Resume</dc:title>"), "{core}");
    assert!(core.contains("<dc:creator>Ada Lovelace</dc:creator>"), "{core}");
    let app = docx_part(&bytes, "docProps/app.xml");
    assert!(app.contains("<Application>Resume service</Application>") && !app.contains("<Company>"), "{app}");
    let fonts = docx_part(&bytes, "word/fontTable.xml");
    assert!(fonts.contains("w:name=\"Cambria\"") && fonts.contains("<w:family w:val=\"roman\"/>"), "{fonts}");
    let types = docx_part(&bytes, "[Content_Types].xml");
    assert!(types.contains("/word/fontTable.xml") && types.contains("/docProps/core.xml"), "{types}");
    let rels = docx_part(&bytes, "_rels/.rels");
    assert!(rels.contains("docProps/app.xml"), "{rels}");
    let core_rel = rels.split("<Relationship ").find(|r| r.contains("docProps/core.xml")).expect("core.xml related");
    assert!(core_rel.contains("/package/2006/relationships/metadata/core-properties"), "{core_rel}");
}

#[test]
fn the_pdf_carries_every_section() {
    let document = render(&Printable::Resume(sample().clone()), FileType::Pdf, Paper::A4).unwrap();
    assert_eq!(document.filename, "Ada_Lovelace_Resume.pdf");
    assert_eq!(document.content_type, "application/pdf");
    assert!(document.bytes.starts_with(b"%PDF-"));
    let text = squeezed(&pdf_text(&document.bytes));
    for expected in [
        "AdaLovelace",
        "ada@example.com",
        "github.com/ada",
        "Analyticalengineprogrammer",
        "SUMMARY",
        "Mathematicianwhowrotethefirstpublishedalgorithm.",
        "SKILLS",
        "Rust·PostgreSQL·Mathematics",
        "EXPERIENCE",
        "AnalyticalEnginesLtd",
        "BuiltaRustserviceonPostgreSQL",
        "DifferenceWorks",
        "EDUCATION",
        "UniversityofLondon",
        "CERTIFICATIONS",
        "CertifiedEngineOperator",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text:?}");
    }
    // Links are real link annotations.
    let raw = String::from_utf8_lossy(&document.bytes);
    assert!(raw.contains("https://github.com/ada") && raw.contains("mailto:ada@example.com"));
}

#[test]
fn letter_and_a4_differ_in_page_size() {
    let a4 = pdf::render(&Printable::Resume(sample().clone()), Paper::A4).unwrap();
    let letter = pdf::render(&Printable::Resume(sample().clone()), Paper::UsLetter).unwrap();
    let a4 = String::from_utf8_lossy(&a4);
    let letter = String::from_utf8_lossy(&letter);
    assert!(a4.contains("595.2756") || a4.contains("595.28"), "A4 width missing");
    assert!(letter.contains("/MediaBox [0 0 612 792]") || letter.contains("612 792"), "Letter size missing");
}

#[test]
fn a_long_resume_flows_onto_more_pages() {
    let mut long = sample();
    long.experience =
        (0..30).map(|i| Role { company: format!("Company {i}"), ..sample().experience[0].clone() }).collect();
    let short = pdf::render(&Printable::Resume(sample().clone()), Paper::A4).unwrap();
    let long = pdf::render(&Printable::Resume(long.clone()), Paper::A4).unwrap();
    let pages = |bytes: &[u8]| documents::pdf_pages(bytes).expect("a PDF");
    assert_eq!(pages(&short), 1, "a typical resume fits one page");
    assert!(pages(&long) >= 2, "a long resume flows on");
    assert!(squeezed(&pdf_text(&long)).contains("Company29"));
}

/// The sample with a hostile string in every field.
fn hostile() -> Resume {
    let mut resume = sample();
    resume.full_name = HOSTILE[0].into();
    resume.headline = Some(HOSTILE[1].into());
    resume.summary = Some(HOSTILE[2].into());
    resume.skills = HOSTILE.iter().map(|s| s.to_string()).collect();
    resume.experience[0].company = HOSTILE[3].into();
    resume.experience[0].highlights = HOSTILE.iter().map(|s| s.to_string()).collect();
    resume.education[0].institution = HOSTILE[4].into();
    resume.certifications[0].name = HOSTILE[5].into();
    resume
}

#[test]
fn hostile_strings_render_literally_in_both_formats() {
    let resume = hostile();
    let text = squeezed(&pdf_text(&pdf::render(&Printable::Resume(resume.clone()), Paper::A4).unwrap()));
    for hostile in HOSTILE {
        assert!(text.contains(&squeezed(hostile)), "{hostile:?} not literal in {text:?}");
    }

    let xml = docx_xml(&docx::render(&resume, Paper::A4).unwrap());
    assert!(!xml.contains("<w:t>injected"), "XML injected");
    assert!(xml.contains("&lt;/w:t&gt;&lt;w:t&gt;injected"));
    assert!(xml.contains("#import \"/etc/passwd\"") || xml.contains("#import &quot;/etc/passwd&quot;"));
    assert!(!xml.contains("<w:fldSimple") && !xml.contains("<w:instrText"), "no fields");
}

#[test]
fn cjk_names_keep_their_glyphs_in_regular_and_bold() {
    let mut resume = sample();
    resume.full_name = "山田 太郎".into();
    resume.experience[0].title = "김민수 팀장".into();
    resume.summary = Some("负责支付平台 — 東京".into());
    let bytes = pdf::render(&Printable::Resume(resume.clone()), Paper::A4).unwrap();
    let text = squeezed(&pdf_text(&bytes));
    for expected in ["山田太郎", "김민수팀장", "负责支付平台", "東京"] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
}

#[test]
fn cyrillic_and_accents_keep_their_glyphs() {
    let mut resume = sample();
    resume.full_name = "Иван Петров".into();
    resume.summary = Some("Zoë Ødegård, Ærøskøbing — naïve café".into());
    let document = render(&Printable::Resume(resume.clone()), FileType::Pdf, Paper::A4).unwrap();
    assert_eq!(document.filename, "Иван_Петров_Resume.pdf");
    let text = pdf_text(&document.bytes);
    assert!(text.contains("Иван Петров"), "{text}");
    assert!(text.contains("Zoë Ødegård"), "{text}");
}

#[test]
fn the_docx_carries_every_section() {
    let document = render(&Printable::Resume(sample().clone()), FileType::Word, Paper::A4).unwrap();
    let xml = docx_xml(&document.bytes);
    for expected in [
        "Ada Lovelace",
        "Summary",
        "Skills",
        "Rust · PostgreSQL · Mathematics",
        "Experience",
        "Analytical Engines Ltd",
        "Built a Rust service on PostgreSQL",
        "Education",
        "University of London",
        "Certifications",
        "Certified Engine Operator",
    ] {
        assert!(xml.contains(expected), "{expected:?} missing");
    }
    assert!(xml.contains("w:val=\"Heading1\""), "heading style");
    assert!(xml.contains("w:w=\"11906\""), "A4 page");
    let letter = docx_xml(&docx::render(&sample(), Paper::UsLetter).unwrap());
    assert!(letter.contains("w:w=\"12240\"") && letter.contains("w:h=\"15840\""), "US Letter page");
    assert!(xml.contains("<w:b/>") || xml.contains("<w:b "), "bold role lines");
}

/// The sample's text as laid out, kept in `golden/sample.txt`: a change to the template
/// or to typst that moves content shows up here. `UPDATE_GOLDEN=1` rewrites it.
#[test]
fn the_pdf_layout_matches_the_golden_copy() {
    let text = pdf_text(&pdf::render(&Printable::Resume(sample().clone()), Paper::A4).unwrap());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/render/golden/sample.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(path).expect("golden/sample.txt (run with UPDATE_GOLDEN=1)");
    assert_eq!(text, golden, "the PDF layout changed; inspect it, then run with UPDATE_GOLDEN=1");
}

#[test]
fn text_and_markdown_carry_every_section_and_keep_data_as_text() {
    let text = render(&Printable::Resume(sample().clone()), FileType::Text, Paper::A4).unwrap();
    assert_eq!(
        (text.filename.as_str(), text.content_type.as_str()),
        ("Ada_Lovelace_Resume.txt", "text/plain; charset=utf-8")
    );
    let text = String::from_utf8(text.bytes).unwrap();
    for expected in [
        "Ada Lovelace\nada@example.com | London, UK | github.com/ada\n",
        "SUMMARY\nMathematician who wrote the first published algorithm.\n",
        "SKILLS\nRust · PostgreSQL · Mathematics\n",
        "Programmer, Analytical Engines Ltd · London · Jan 2020 – Present\n- Built a Rust service on PostgreSQL\n",
        "EDUCATION\nUniversity of London · BSc, Mathematics · 2012 – 2015\n",
        "CERTIFICATIONS\n- Certified Engine Operator · Royal Society, 2021",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    let markdown = render(&Printable::Resume(sample().clone()), FileType::Markdown, Paper::A4).unwrap();
    assert_eq!(markdown.filename, "Ada_Lovelace_Resume.md");
    let markdown = String::from_utf8(markdown.bytes).unwrap();
    for expected in [
        "# Ada Lovelace\n\nada@example.com | London, UK | [github.com/ada](<https://github.com/ada>)\n",
        "\n*Analytical engine programmer*\n",
        "## Experience\n\n### Programmer, Analytical Engines Ltd\n\nLondon · Jan 2020 – Present\n\n- Built a Rust service",
        "- **University of London** · BSc, Mathematics · 2012 – 2015\n",
    ] {
        assert!(markdown.contains(expected), "{expected:?} missing from:\n{markdown}");
    }

    // Hostile strings stay text: every markup character escaped.
    let mut hostile = sample();
    hostile.summary = Some(HOSTILE.join(" "));
    hostile.experience[0].highlights = vec!["# not a heading".into(), "- not a list\nnor a new line".into()];
    let markdown =
        String::from_utf8(render(&Printable::Resume(hostile.clone()), FileType::Markdown, Paper::A4).unwrap().bytes)
            .unwrap();
    assert!(markdown.contains(r"\</w:t\>\<w:t\>injected"), "{markdown}");
    assert!(markdown.contains(r"$x^2$ \*bold\* \_em\_ \`raw\` @label \<tag\>"), "{markdown}");
    assert!(markdown.contains("- \\# not a heading\n- \\- not a list nor a new line\n"), "{markdown}");
}

/// Every DOCX these tests render opened by LibreOffice, a reader nobody here wrote: the short
/// and the long resume, hostile strings, every script, a letter and an anonymised one. It
/// must read our text, in our order.
#[test]
fn libreoffice_reads_every_docx_as_written() {
    let mut resumes = vec![sample(), page_breaks::long_career(), hostile()];
    resumes.extend(scripts::SCRIPTS.iter().map(|&(_, written)| scripts::candidate(written)));
    let mut files: Vec<(String, Vec<u8>)> =
        resumes.iter().map(|resume| (resume.full_name.clone(), docx::render(resume, Paper::A4).unwrap())).collect();
    for letter in [letters::sample(), letters::anonymised()] {
        files.push((format!("letter of {}", letter.sender), docx::letter(&letter, Paper::A4).unwrap()));
    }
    let read =
        documents::libreoffice_texts(&files.iter().map(|(_, bytes)| bytes.as_slice()).collect::<Vec<_>>()).unwrap();
    for ((name, bytes), read) in files.iter().zip(read) {
        let (ours, _) = documents::docx_text(bytes).unwrap();
        assert_eq!(squeezed(&read.replace('•', "")), squeezed(&ours), "{name}: LibreOffice read {read}");
    }
}

pub(super) mod letters;
mod page_breaks;
mod scripts;
