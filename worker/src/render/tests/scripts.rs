//! One candidate per script the fallback fonts cover: name, employer and school drawn with
//! real glyphs (never `.notdef`, the empty box of a missing glyph) and read back exactly as
//! written, from the PDF and from the DOCX.

use std::collections::HashMap;

use test_support::{documents, pdf_trace::pdf_trace};

use super::{sample, squeezed};
use crate::{
    model::{Printable, Resume},
    render::{Paper, docx, pdf},
};

/// A script, then a candidate's name, employer and school written in it.
pub(super) const SCRIPTS: &[(&str, [&str; 3])] = &[
    ("Devanagari", ["प्रिया शर्मा", "टाटा कंसल्टेंसी सर्विसेज़", "दिल्ली विश्वविद्यालय"]),
    ("Bengali", ["সৌমিত্র চট্টোপাধ্যায়", "বাংলা প্রযুক্তি লিমিটেড", "কলকাতা বিশ্ববিদ্যালয়"]),
    ("Tamil", ["கார்த்திக் சுப்பிரமணியன்", "சென்னை மென்பொருள் நிறுவனம்", "அண்ணா பல்கலைக்கழகம்"]),
    ("Telugu", ["వెంకట లక్ష్మి", "హైదరాబాద్ సాంకేతిక సంస్థ", "ఉస్మానియా విశ్వవిద్యాలయం"]),
    ("Gurmukhi", ["ਹਰਪ੍ਰੀਤ ਸਿੰਘ", "ਪੰਜਾਬ ਤਕਨੀਕੀ ਸੇਵਾਵਾਂ", "ਪੰਜਾਬੀ ਯੂਨੀਵਰਸਿਟੀ"]),
    ("Gujarati", ["નરેન્દ્ર પટેલ", "અમદાવાદ ટેક્નોલોજી", "ગુજરાત યુનિવર્સિટી"]),
    ("Thai", ["สมชาย ใจดี", "ธนาคารกรุงเทพ", "จุฬาลงกรณ์มหาวิทยาลัย"]),
    ("Khmer", ["សុខ វណ្ណា", "ធនាគារ អេស៊ីលីដា", "សាកលវិទ្យាល័យភូមិន្ទភ្នំពេញ"]),
];

/// The sample resume with its name, first employer and school in one script.
pub(super) fn candidate([name, employer, school]: [&str; 3]) -> Resume {
    let mut resume = sample();
    resume.full_name = name.into();
    resume.experience[0].company = employer.into();
    resume.education[0].institution = school.into();
    resume
}

#[test]
fn every_script_prints_with_real_glyphs_and_reads_back_from_the_pdf() {
    for &(script, written) in SCRIPTS {
        let trace =
            pdf_trace(&pdf::render(&Printable::Resume(candidate(written).clone()), Paper::A4).unwrap()).unwrap();
        assert_eq!(trace.notdef, 0, "{script}: {} glyphs drawn as empty boxes", trace.notdef);
        let lines: Vec<&str> = trace.pages[0].iter().map(|line| line.text.as_str()).collect();
        let [name, employer, school] = written;
        assert_eq!(lines[0], name, "{script}: the name");
        let role = format!("{}, {employer} · ", sample().experience[0].title);
        assert!(lines.iter().any(|line| line.starts_with(&role)), "{script}: {role:?} not in {lines:#?}");
        let study = format!("{school}, ");
        assert!(lines.iter().any(|line| line.starts_with(&study)), "{script}: {study:?} not in {lines:#?}");
    }
}

/// What the check above relies on: a script no font covers (Ol Chiki, Santali's) is drawn
/// with `.notdef`, and the count sees it.
#[test]
fn a_script_without_a_font_counts_as_empty_boxes() {
    let bytes =
        pdf::render(&Printable::Resume(candidate(["ᱥᱟᱱᱛᱟᱲᱤ", "Employer", "School"]).clone()), Paper::A4).unwrap();
    assert!(pdf_trace(&bytes).unwrap().notdef >= 7);
    let latin = pdf::render(&Printable::Resume(sample().clone()), Paper::A4).unwrap();
    assert_eq!(pdf_trace(&latin).unwrap().notdef, 0);
}

#[test]
fn every_script_reads_back_from_the_docx() {
    for &(script, written) in SCRIPTS {
        let (text, _) = documents::docx_text(&docx::render(&candidate(written), Paper::A4).unwrap()).unwrap();
        for expected in written {
            assert!(squeezed(&text).contains(&squeezed(expected)), "{script}: {expected:?} not in {text}");
        }
        assert_eq!(text.lines().next(), Some(written[0]), "{script}: the name is the title");
    }
}
/// Word and LibreOffice size, embolden and slant text in a complex script (Devanagari, Thai,
/// Arabic…) by `w:szCs`, `w:bCs` and `w:iCs` alone: every run property and style that sets
/// a size, bold or italics sets its complex-script twin to the same.
#[test]
fn the_docx_sizes_and_weights_complex_scripts_as_the_rest() {
    let bytes = docx::render(&candidate(SCRIPTS[0].1), Paper::A4).unwrap();
    let mut checked = 0;
    for part in ["word/styles.xml", "word/document.xml"] {
        let xml = super::docx_part(&bytes, part);
        for properties in xml.split("<w:rPr>").skip(1).map(|p| p.split("</w:rPr>").next().unwrap_or_default()) {
            // Each element, by name, with its attributes as written (all are empty elements).
            let elements: HashMap<&str, &str> = properties
                .split('<')
                .filter_map(|element| element.trim().strip_suffix("/>"))
                .map(|element| element.split_once(' ').unwrap_or((element, "")))
                .collect();
            for (latin, complex) in [("w:sz", "w:szCs"), ("w:b", "w:bCs"), ("w:i", "w:iCs")] {
                if let Some(value) = elements.get(latin) {
                    checked += 1;
                    assert_eq!(elements.get(complex), Some(value), "{part}: {complex} as {latin} in {properties}");
                }
            }
        }
    }
    assert!(checked >= 8, "sizes and weights found: {checked}");
}

/// What printed before the fallbacks came still prints with real glyphs. (Hebrew and Arabic
/// are drawn right to left, so their text is not compared in drawing order here.)
#[test]
fn the_scripts_that_printed_before_still_have_real_glyphs() {
    for written in [
        ["Zoë Ødegård", "Société Générale", "Universität Zürich"],
        ["Γιώργος Παπαδόπουλος", "Τράπεζα Πειραιώς", "Πανεπιστήμιο Αθηνών"],
        ["Иван Петров", "Сбербанк", "Московский университет"],
        ["דוד כהן", "בנק הפועלים", "האוניברסיטה העברית"],
        ["محمد أحمد", "شركة أرامكو", "جامعة القاهرة"],
        ["山田 太郎", "株式会社", "東京大学"],
        ["김민수", "삼성전자", "서울대학교"],
        ["Արամ Պետրոսյան", "Արարատ բանկ", "Երևանի պետական համալսարան"],
        ["გიორგი ბერიძე", "თიბისი ბანკი", "თბილისის სახელმწიფო უნივერსიტეტი"],
    ] {
        let trace =
            pdf_trace(&pdf::render(&Printable::Resume(candidate(written).clone()), Paper::A4).unwrap()).unwrap();
        assert_eq!(trace.notdef, 0, "{:?}: {} glyphs drawn as empty boxes", written[0], trace.notdef);
    }
}

/// The base font names a PDF embeds (`ABCDEF+NotoNaskhArabic-Regular`).
fn embedded_fonts(pdf: &[u8]) -> Vec<String> {
    let document = pdf_extract::Document::load_mem(pdf).unwrap();
    document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok()?.get(b"BaseFont").ok()?.as_name().ok())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// Arabic is set in a serif font of its own, regular and bold, not in typst's last resort
/// (DejaVu Sans Mono, a monospaced font that stretched Arabic words). Hebrew, Armenian and
/// Georgian have their glyphs in the main fonts.
#[test]
fn arabic_has_a_font_of_its_own() {
    let written = ["محمد أحمد", "شركة أرامكو", "جامعة القاهرة"];
    let fonts = embedded_fonts(&pdf::render(&Printable::Resume(candidate(written).clone()), Paper::A4).unwrap());
    for weight in ["Regular", "Bold"] {
        assert!(fonts.iter().any(|f| f.ends_with(&format!("NotoNaskhArabic-{weight}"))), "{weight}: {fonts:?}");
    }
    assert!(!fonts.iter().any(|f| f.contains("DejaVuSansMono")), "{fonts:?}");
}
