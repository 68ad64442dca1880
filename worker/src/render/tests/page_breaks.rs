//! Pages that break well, read from where the PDF draws each line: a section heading or a
//! role's title line never ends a page, a bullet never splits across pages unless it is
//! taller than a page; the DOCX asks the same of Word through its paragraph styles.

use test_support::pdf_trace::{PdfLine, pdf_trace};

use super::{docx_part, sample, squeezed};
use crate::{
    model::{Printable, Resume, Role},
    render::{Paper, docx, pdf},
};

const HEADINGS: &[&str] = &["SUMMARY", "SKILLS", "EXPERIENCE", "EDUCATION", "CERTIFICATIONS"];

/// A 24-role career: roles of one to five bullets, some bullets five lines long.
pub(super) fn long_career() -> Resume {
    let mut resume = sample();
    resume.experience = (0..24)
        .map(|i| Role {
            title: format!("Engineer {i}"),
            company: format!("Employer{i:02} Ltd"),
            location: Some("London".into()),
            period: "Jan 2020 – Dec 2021".into(),
            highlights: (0..1 + i % 5)
                .map(|b| {
                    let mut bullet = format!("Bullet{i:02}x{b} led the migration of the payments ledger");
                    if (i + b) % 3 == 0 {
                        bullet.push_str(&" while keeping every nightly settlement on time".repeat(9));
                    }
                    bullet
                })
                .collect(),
        })
        .collect();
    resume
}

/// Pages as lines, each page's lines top to bottom.
fn pages(bytes: &[u8]) -> Vec<Vec<PdfLine>> {
    pdf_trace(bytes).expect("a readable PDF").pages
}

/// What a page's last line is, if it is one that must not end a page.
fn forbidden_ending(line: &str) -> Option<&'static str> {
    if HEADINGS.contains(&line.trim()) {
        Some("a section heading")
    } else if squeezed(line).contains("Employer") {
        Some("a role's title line")
    } else {
        None
    }
}

/// How many lines of summary fill a page, about: a summary that grows by a line at a time
/// to so many lines moves every heading and role of the career past a page's end.
const LINES_PER_PAGE: usize = 60;

#[test]
fn no_page_of_a_long_career_ends_with_a_heading_or_a_role_title_or_splits_a_bullet() {
    for (paper, moves) in [(Paper::A4, 0..LINES_PER_PAGE), (Paper::UsLetter, 0..1)] {
        for moved in moves {
            let mut resume = long_career();
            let lines = (0..moved).map(|i| format!("\nSummary line {i}")).collect::<String>();
            resume.summary = resume.summary.map(|summary| summary + &lines);
            let pages = pages(&pdf::render(&Printable::Resume(resume.clone()), paper).unwrap());
            assert!(pages.len() >= 3, "{paper:?}: a 24-role career takes pages, got {}", pages.len());
            for (number, lines) in pages.iter().enumerate() {
                let last = &lines.last().expect("a page with text").text;
                if let Some(what) = forbidden_ending(last) {
                    panic!("{paper:?}, moved by {moved}: page {} ends with {what}: {last:?}", number + 1);
                }
            }
            let page_texts: Vec<String> = pages
                .iter()
                .map(|lines| squeezed(&lines.iter().map(|line| line.text.as_str()).collect::<String>()))
                .collect();
            for bullet in resume.experience.iter().flat_map(|role| &role.highlights) {
                assert!(
                    page_texts.iter().any(|page| page.contains(&squeezed(bullet))),
                    "{paper:?}, moved by {moved}: {bullet:?} is split across pages"
                );
            }
        }
    }
}

#[test]
fn a_bullet_taller_than_a_page_flows_over_pages_inside_their_margins() {
    let mut resume = sample();
    let giant = (0..1500).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ");
    resume.experience[0].highlights = vec![giant.clone(), "After the giant".into()];
    let pages = pages(&pdf::render(&Printable::Resume(resume.clone()), Paper::A4).unwrap());
    assert!(pages.len() >= 2, "the bullet alone fills more than a page");
    // 1.5 cm bottom margin is 42.5 pt: no line is drawn below half of it.
    for (number, lines) in pages.iter().enumerate() {
        let lowest = lines.last().expect("a page with text");
        assert!(lowest.y > 21.0, "page {} draws {:?} off the page at y = {}", number + 1, lowest.text, lowest.y);
    }
    let all: String = pages.iter().flatten().map(|line| line.text.as_str()).collect();
    assert!(squeezed(&all).contains(&squeezed(&giant)), "the giant bullet prints whole");
}

#[test]
fn the_docx_keeps_headings_and_role_titles_with_what_follows_and_bullets_whole() {
    let bytes = docx::render(&long_career(), Paper::A4).unwrap();
    let styles = docx_part(&bytes, "word/styles.xml");
    let style = |id: &str| {
        styles.split("<w:style ").find(|s| s.contains(&format!("w:styleId=\"{id}\""))).unwrap_or_default().to_owned()
    };
    for id in ["Heading1", "RoleLine"] {
        assert!(style(id).contains("<w:keepNext/>"), "{id} keeps with the next paragraph: {}", style(id));
    }
    assert!(style("ListBullet").contains("<w:keepLines/>"), "a bullet keeps its lines: {}", style("ListBullet"));
    let xml = docx_part(&bytes, "word/document.xml");
    let paragraphs: Vec<&str> = xml.split("<w:p>").skip(1).collect();
    // Each paragraph says so itself too, as a reader of its own format (python-docx) sees it.
    for (holding, style, keep, count) in [
        (">Experience<", "Heading1", "<w:keepNext/>", 1),
        (">Education<", "Heading1", "<w:keepNext/>", 1),
        ("Employer", "RoleLine", "<w:keepNext/>", 24),
        (">Bullet", "ListBullet", "<w:keepLines/>", 70),
    ] {
        let found: Vec<&&str> = paragraphs.iter().filter(|p| p.contains(holding)).collect();
        assert_eq!(found.len(), count, "paragraphs holding {holding:?}");
        for paragraph in found {
            assert!(paragraph.contains(&format!("w:val=\"{style}\"")), "{holding:?} in the {style} style: {paragraph}");
            let own = paragraph.split("</w:pPr>").next().unwrap_or_default();
            assert!(own.contains(keep), "{holding:?}'s own properties hold {keep}: {own}");
        }
    }
}
