//! DOCX rendering with docx-rust, at the OOXML level: our own heading styles, a real
//! bullet list (a numbering definition, not "•" characters) and external hyperlinks.
//! docx-rust escapes all text, so candidate data can never become markup.

use std::{borrow::Cow, io::Cursor};

use docx_rust::{
    Docx,
    content_type::OverrideContentType,
    document::{
        AbstractNum, AbstractNumId, BodyContent, Hyperlink, Level, LevelStart, LevelText, Num, NumFmt, Numbering, PPr,
        Paragraph, Run, TextSpace,
    },
    formatting::{
        CharacterProperty, Fonts, Indent, IndentLevel, NumberingId, NumberingProperty, PageMargin, PageSize,
        ParagraphProperty, SectionProperty, Spacing, Underline, UnderlineStyle,
    },
    styles::{DefaultStyle, Style, StyleType},
};

use super::{Paper, RenderError};
use crate::model::Resume;

/// The MIME type of a DOCX file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const NUMBERING_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml";
const HYPERLINK_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
/// The `numId` of the bullet list.
const BULLETS: isize = 1;
const ACCENT: u32 = 0x1F3864;

/// The DOCX bytes of `resume` on `paper`.
pub fn render(resume: &Resume, paper: Paper) -> Result<Vec<u8>, RenderError> {
    let mut docx = Docx::default();
    styles(&mut docx);
    numbering(&mut docx);

    docx.document.push(styled("Title", &resume.full_name));
    contact_line(&mut docx, resume);
    if let Some(headline) = &resume.headline {
        docx.document.push(
            Paragraph::default()
                .property(ParagraphProperty::default().style_id("Subtitle"))
                .push(Run::default().push_text(text(headline))),
        );
    }
    if let Some(summary) = &resume.summary {
        section(&mut docx, "Summary");
        docx.document.push(plain(summary));
    }
    if !resume.skills.is_empty() {
        section(&mut docx, "Skills");
        docx.document.push(plain(&resume.skills.join(" · ")));
    }
    if !resume.experience.is_empty() {
        section(&mut docx, "Experience");
        for role in &resume.experience {
            let mut line = Paragraph::default()
                .property(ParagraphProperty::default().style_id("RoleLine"))
                .push(Run::default().property(CharacterProperty::default().bold(true)).push_text(text(&role.title)))
                .push(Run::default().push_text(text(&format!(", {}", role.company))));
            let mut details: Vec<&str> = Vec::new();
            details.extend(role.location.as_deref());
            if !role.period.is_empty() {
                details.push(&role.period);
            }
            if !details.is_empty() {
                line = line.push(
                    Run::default()
                        .property(CharacterProperty::default().color(0x595959u32))
                        .push_text(text(&format!(" · {}", details.join(" · ")))),
                );
            }
            docx.document.push(line);
            for highlight in &role.highlights {
                docx.document.push(bullet(highlight));
            }
        }
    }
    if !resume.education.is_empty() {
        section(&mut docx, "Education");
        for study in &resume.education {
            let mut line = Paragraph::default().push(
                Run::default().property(CharacterProperty::default().bold(true)).push_text(text(&study.institution)),
            );
            let details: Vec<&str> = study.degree.iter().chain(&study.period).map(String::as_str).collect();
            if !details.is_empty() {
                line = line.push(Run::default().push_text(text(&format!(" · {}", details.join(" · ")))));
            }
            docx.document.push(line);
        }
    }
    if !resume.certifications.is_empty() {
        section(&mut docx, "Certifications");
        for cert in &resume.certifications {
            let shown = match &cert.detail {
                Some(detail) => format!("{} · {detail}", cert.name),
                None => cert.name.clone(),
            };
            docx.document.push(bullet(&shown));
        }
    }

    docx.document.push(BodyContent::SectionProperty(page(paper)));
    let written = docx.write(Cursor::new(Vec::new())).map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(written.into_inner())
}

/// Text that keeps its leading and trailing spaces.
fn text(value: &str) -> (String, TextSpace) {
    (value.to_owned(), TextSpace::Preserve)
}

fn styled(style: &'static str, value: &str) -> Paragraph<'static> {
    Paragraph::default()
        .property(ParagraphProperty::default().style_id(style))
        .push(Run::default().push_text(text(value)))
}

fn plain(value: &str) -> Paragraph<'static> {
    Paragraph::default().push(Run::default().push_text(text(value)))
}

fn section(docx: &mut Docx<'_>, title: &str) {
    docx.document.push(styled("Heading1", title));
}

fn bullet(value: &str) -> Paragraph<'static> {
    let mut property = ParagraphProperty::default().style_id("ListBullet");
    property.numbering = Some(NumberingProperty {
        level: Some(IndentLevel { value: 0 }),
        id: Some(NumberingId { value: BULLETS }),
        ..Default::default()
    });
    Paragraph::default().property(property).push(Run::default().push_text(text(value)))
}

/// Email, phone, location and links on one line, links clickable.
fn contact_line<'a>(docx: &mut Docx<'a>, resume: &'a Resume) {
    let mut line = Paragraph::default().property(ParagraphProperty::default().style_id("Contact"));
    for (i, item) in resume.contact.iter().enumerate() {
        if i > 0 {
            line = line.push(Run::default().push_text(text(" | ")));
        }
        match &item.url {
            Some(url) => {
                let rels = docx.document_rels.get_or_insert_with(Default::default);
                rels.add_rel_with_target_mode(HYPERLINK_REL, url, Some("External"));
                let id = rels.relationships.iter().find(|r| r.target == url.as_str()).map(|r| r.id.clone());
                let run = Run::default()
                    .property(CharacterProperty::default().style_id("Hyperlink"))
                    .push_text(text(&item.text));
                line = line.push(Hyperlink { id, content: Some(run), ..Default::default() });
            }
            None => line = line.push(Run::default().push_text(text(&item.text))),
        }
    }
    docx.document.push(line);
}

/// Page size and margins in twentieths of a point, as the PDF's.
fn page(paper: Paper) -> SectionProperty<'static> {
    let (width, height) = match paper {
        Paper::A4 => (11906, 16838),
        Paper::UsLetter => (12240, 15840),
    };
    SectionProperty {
        page_size: Some(PageSize { weight: width, height }),
        page_margin: Some(PageMargin {
            top: Some(850),
            bottom: Some(850),
            left: Some(964),
            right: Some(964),
            header: Some(567),
            footer: Some(567),
            gutter: Some(0),
        }),
        ..Default::default()
    }
}

fn spacing(before: isize, after: isize) -> Spacing {
    Spacing { before: Some(before), after: Some(after), ..Default::default() }
}

fn styles(docx: &mut Docx<'_>) {
    let font = || Fonts::default().ascii("Calibri").h_ansi("Calibri").east_asia("Calibri").custom("Calibri");
    docx.styles.default(DefaultStyle::default().character(CharacterProperty::default().size(21isize).fonts(font())));
    let paragraph = |before, after| ParagraphProperty { spacing: Some(spacing(before, after)), ..Default::default() };
    docx.styles.push(
        Style::new(StyleType::Paragraph, "Title")
            .name("Title")
            .paragraph(paragraph(0, 40))
            .character(CharacterProperty::default().size(40isize).bold(true).color(ACCENT)),
    );
    docx.styles.push(
        Style::new(StyleType::Paragraph, "Subtitle")
            .name("Subtitle")
            .paragraph(paragraph(40, 80))
            .character(CharacterProperty::default().size(24isize).italics(true)),
    );
    docx.styles.push(Style::new(StyleType::Paragraph, "Contact").name("Contact").paragraph(paragraph(0, 60)));
    let mut heading = paragraph(200, 60);
    heading.keep_next = Some(Default::default());
    docx.styles.push(
        Style::new(StyleType::Paragraph, "Heading1")
            .name("heading 1")
            .paragraph(heading)
            .character(CharacterProperty::default().size(26isize).bold(true).color(ACCENT)),
    );
    let mut role = paragraph(120, 20);
    role.keep_next = Some(Default::default());
    docx.styles.push(Style::new(StyleType::Paragraph, "RoleLine").name("Role Line").paragraph(role));
    docx.styles.push(Style::new(StyleType::Paragraph, "ListBullet").name("List Bullet").paragraph(paragraph(0, 20)));
    docx.styles.push(
        Style::new(StyleType::Character, "Hyperlink").name("Hyperlink").character(
            CharacterProperty::default()
                .color(0x0563C1u32)
                .underline(Underline { val: Some(UnderlineStyle::Single), color: None }),
        ),
    );
}

fn numbering(docx: &mut Docx<'_>) {
    let level = Level {
        i_level: Some(0),
        start: Some(LevelStart { value: Some(1) }),
        number_format: Some(NumFmt { value: Cow::Borrowed("bullet") }),
        level_text: Some(LevelText { value: Some(Cow::Borrowed("•")) }),
        p_pr: Some(PPr { indent: Some(Indent { left: Some(360), hanging: Some(240), ..Default::default() }) }),
        ..Default::default()
    };
    docx.numbering = Some(Numbering {
        abstract_numberings: vec![AbstractNum { abstract_num_id: Some(0), levels: vec![level], ..Default::default() }],
        numberings: vec![Num {
            num_id: Some(BULLETS),
            abstract_num_id: Some(AbstractNumId { value: Some(0) }),
            ..Default::default()
        }],
    });
    docx.content_types.overrides.push(OverrideContentType {
        part: Cow::Borrowed("/word/numbering.xml"),
        ty: Cow::Borrowed(NUMBERING_CONTENT_TYPE),
    });
}
