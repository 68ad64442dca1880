//! DOCX rendering with docx-rust (a resume, or a cover letter), at the OOXML level: our own styles over a default
//! `Normal` paragraph style (so that tools such as python-docx resolve every paragraph's
//! style), a real bullet list (a numbering definition, not "•" characters), external
//! hyperlinks, page breaks that a reader keeps (a heading and a role's title line keep with
//! the next paragraph, a bullet keeps its lines on one page), sizes, bold and italics that
//! hold for complex scripts too, and the document's properties (`docProps/core.xml`: title
//! and author; `docProps/app.xml`). The typeface is a serif like the PDF's, named rather
//! than embedded: Cambria (in Word; LibreOffice shows its metric twin Caladea), declared a
//! "roman" family in the font table so that any reader without it falls back to a serif.
//! docx-rust escapes all text, so candidate data can never become markup. The package is
//! written by [`package`], with the parts every document shares compressed once.

use std::borrow::Cow;

use docx_rust::{
    Docx,
    app::{App, AppNoApNamespace},
    content_type::OverrideContentType,
    core::{Core, CoreNamespace},
    document::{
        AbstractNum, AbstractNumId, BodyContent, Hyperlink, Level, LevelStart, LevelText, Num, NumFmt, Numbering, PPr,
        Paragraph, Run, TextSpace,
    },
    font_table::{Family, Font, FontTable, Pitch},
    formatting::{
        BoldComplex, CharacterProperty, Fonts, Indent, IndentLevel, ItalicsComplex, NumberingId, NumberingProperty,
        PageMargin, PageSize, ParagraphProperty, SectionProperty, SizeComplex, Spacing, Underline, UnderlineStyle,
    },
    styles::{BasedOn, DefaultStyle, Style, StyleType},
};

mod package;

use super::{Paper, RenderError};
use crate::model::{Contact, Letter, Resume};

/// The MIME type of a DOCX file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const NUMBERING_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml";
const FONT_TABLE_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml";
/// The typeface of every run: a serif, as the PDF's.
const TYPEFACE: &str = "Cambria";
/// What `docProps/app.xml` names as the application.
const APPLICATION: &str = "Resume service";
/// The core properties' relationship type; docx-rust's own constant has it wrong (Word and
/// python-docx then find no properties), so ours is added first and the crate's skipped.
const CORE_PROPERTIES_REL: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
const HYPERLINK_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
const STYLES_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles";
const FONT_TABLE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable";
const NUMBERING_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering";
/// The `numId` of the bullet list.
const BULLETS: isize = 1;
const ACCENT: u32 = 0x1F3864;

/// The DOCX bytes of `resume` on `paper`.
pub fn render(resume: &Resume, paper: Paper) -> Result<Vec<u8>, RenderError> {
    package::write(&resume_document(resume, paper))
}

/// The DOCX bytes of `letter` on `paper`.
pub fn letter(letter: &Letter, paper: Paper) -> Result<Vec<u8>, RenderError> {
    package::write(&letter_document(letter, paper))
}

/// `resume` on `paper` as a document.
fn resume_document(resume: &Resume, paper: Paper) -> Docx<'_> {
    let mut docx = base();
    core(&mut docx, &resume.full_name, "Resume");

    docx.document.push(styled("Title", &resume.full_name));
    contact_line(&mut docx, &resume.contact);
    if let Some(headline) = &resume.headline {
        docx.document
            .push(Paragraph::default().property(property("Subtitle")).push(Run::default().push_text(text(headline))));
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
                .property(property("RoleLine"))
                .push(
                    Run::default()
                        .property(every_script(CharacterProperty::default().bold(true)))
                        .push_text(text(&role.title)),
                )
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
                Run::default()
                    .property(every_script(CharacterProperty::default().bold(true)))
                    .push_text(text(&study.institution)),
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
    with_page(docx, paper)
}

/// `letter` on `paper` as a document: the sender block (not when anonymised), the
/// addressee, the greeting, the paragraphs, and the closing kept with the signature.
fn letter_document(letter: &Letter, paper: Paper) -> Docx<'_> {
    let mut docx = base();
    core(&mut docx, &letter.sender, "Cover letter");
    if !letter.anonymised {
        docx.document.push(styled("Title", &letter.sender));
        contact_line(&mut docx, &letter.contact);
    }
    if let Some(addressee) = &letter.addressee {
        docx.document.push(styled("Addressee", addressee));
    }
    docx.document.push(styled("LetterBody", &letter.greeting));
    for paragraph in &letter.paragraphs {
        docx.document.push(styled("LetterBody", paragraph));
    }
    docx.document.push(styled("Closing", &letter.closing));
    docx.document.push(styled("Signature", &letter.signature));
    with_page(docx, paper)
}

/// What every document has, resume or letter: the styles, the font table, the bullet
/// numbering, the app properties, and the relationships to them. [`package`] writes these
/// parts once per process.
fn base<'a>() -> Docx<'a> {
    let mut docx = Docx::default();
    styles(&mut docx);
    fonts(&mut docx);
    numbering(&mut docx);
    app(&mut docx);
    // Named here, before any hyperlink, so that their ids are the same in every document.
    let rels = docx.document_rels.get_or_insert_with(Default::default);
    rels.add_rel(STYLES_REL, "styles.xml");
    rels.add_rel(FONT_TABLE_REL, "fontTable.xml");
    rels.add_rel(NUMBERING_REL, "numbering.xml");
    docx
}

/// `docx` with its page settings, last in its body.
fn with_page(mut docx: Docx<'_>, paper: Paper) -> Docx<'_> {
    docx.document.push(BodyContent::SectionProperty(page(paper)));
    docx
}

/// Text that keeps its leading and trailing spaces.
fn text(value: &str) -> (String, TextSpace) {
    (value.to_owned(), TextSpace::Preserve)
}

fn styled(style: &'static str, value: &str) -> Paragraph<'static> {
    Paragraph::default().property(property(style)).push(Run::default().push_text(text(value)))
}

fn plain(value: &str) -> Paragraph<'static> {
    Paragraph::default().push(Run::default().push_text(text(value)))
}

fn section(docx: &mut Docx<'_>, title: &str) {
    docx.document.push(styled("Heading1", title));
}

fn bullet(value: &str) -> Paragraph<'static> {
    let mut own = property("ListBullet");
    own.numbering = Some(NumberingProperty {
        level: Some(IndentLevel { value: 0 }),
        id: Some(NumberingId { value: BULLETS }),
        ..Default::default()
    });
    Paragraph::default().property(own).push(Run::default().push_text(text(value)))
}

/// Email, phone, location and links on one line, links clickable.
fn contact_line<'a>(docx: &mut Docx<'a>, contact: &'a [Contact]) {
    let mut line = Paragraph::default().property(property("Contact"));
    for (i, item) in contact.iter().enumerate() {
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

/// `property` with its size, bold and italics set for complex scripts too (`w:szCs`, `w:bCs`,
/// `w:iCs`): Word and LibreOffice set Devanagari, Bengali, Tamil, Thai, Khmer, Arabic, Hebrew…
/// with those alone, so without them a Hindi name in the title is body-sized and not bold.
fn every_script(mut property: CharacterProperty<'_>) -> CharacterProperty<'_> {
    property.size_complex = property.size.as_ref().map(|size| SizeComplex { value: Some(size.value) });
    property.bold_complex = property.bold.as_ref().map(|bold| BoldComplex { value: bold.value });
    property.italics_complex = property.italics.as_ref().map(|italics| ItalicsComplex { value: italics.value });
    property
}

/// The paragraph styles whose paragraph stays on the page of the next one (a section
/// heading, a role's title line, a letter's closing above its signature).
const KEPT_WITH_NEXT: [&str; 3] = ["Heading1", "RoleLine", "Closing"];
/// The paragraph styles whose lines stay on one page (a bullet).
const KEPT_WHOLE: [&str; 1] = ["ListBullet"];

/// `paragraph` with the keep rules of `style`. They are set in the style and again on each
/// paragraph of it: Word and LibreOffice follow either, but a reader of a paragraph's own
/// format (python-docx's `keep_with_next`) sees only what the paragraph says.
fn keeps(style: &str, mut paragraph: ParagraphProperty<'static>) -> ParagraphProperty<'static> {
    if KEPT_WITH_NEXT.contains(&style) {
        paragraph.keep_next = Some(Default::default());
    }
    if KEPT_WHOLE.contains(&style) {
        paragraph.keep_lines = Some(Default::default());
    }
    paragraph
}

/// A paragraph's property: its style `id`, and the style's keep rules.
fn property(id: &'static str) -> ParagraphProperty<'static> {
    keeps(id, ParagraphProperty::default().style_id(id))
}

/// A paragraph style named `name`, based on `Normal`, with its keep rules.
fn paragraph_style(id: &'static str, name: &'static str, paragraph: ParagraphProperty<'static>) -> Style<'static> {
    let mut style = Style::new(StyleType::Paragraph, id).name(name).paragraph(keeps(id, paragraph));
    style.base = Some(BasedOn { value: Cow::Borrowed("Normal") });
    style
}

fn styles(docx: &mut Docx<'_>) {
    let font = || Fonts::default().ascii(TYPEFACE).h_ansi(TYPEFACE).custom(TYPEFACE);
    docx.styles.default(
        DefaultStyle::default().character(every_script(CharacterProperty::default().size(21isize).fonts(font()))),
    );
    let paragraph = |before, after| ParagraphProperty { spacing: Some(spacing(before, after)), ..Default::default() };
    let mut normal = Style::new(StyleType::Paragraph, "Normal").name("Normal").paragraph(paragraph(0, 60));
    normal.default = Some(true);
    docx.styles.push(normal);
    docx.styles.push(
        paragraph_style("Title", "Title", paragraph(0, 40))
            .character(every_script(CharacterProperty::default().size(40isize).bold(true).color(ACCENT))),
    );
    docx.styles.push(
        paragraph_style("Subtitle", "Subtitle", paragraph(40, 80))
            .character(every_script(CharacterProperty::default().size(24isize).italics(true))),
    );
    docx.styles.push(paragraph_style("Contact", "Contact", paragraph(0, 60)));
    docx.styles.push(
        paragraph_style("Heading1", "heading 1", paragraph(200, 60))
            .character(every_script(CharacterProperty::default().size(26isize).bold(true).color(ACCENT))),
    );
    docx.styles.push(paragraph_style("RoleLine", "Role Line", paragraph(120, 20)));
    docx.styles.push(paragraph_style("ListBullet", "List Bullet", paragraph(0, 20)));
    // A letter's: the addressee, the body's paragraphs, and the closing kept on the page of
    // the signature under it.
    docx.styles.push(
        paragraph_style("Addressee", "Addressee", paragraph(240, 240))
            .character(every_script(CharacterProperty::default().bold(true))),
    );
    docx.styles.push(paragraph_style("LetterBody", "Letter Body", paragraph(0, 200)));
    docx.styles.push(paragraph_style("Closing", "Closing", paragraph(120, 120)));
    docx.styles.push(
        paragraph_style("Signature", "Signature", paragraph(0, 0))
            .character(every_script(CharacterProperty::default().bold(true))),
    );
    docx.styles.push(
        Style::new(StyleType::Character, "Hyperlink").name("Hyperlink").character(
            CharacterProperty::default()
                .color(0x0563C1u32)
                .underline(Underline { val: Some(UnderlineStyle::Single), color: None }),
        ),
    );
}

/// The font table: the typeface as a variable-pitch serif ("roman"), for substitution.
fn fonts(docx: &mut Docx<'_>) {
    let mut font = Font::new(TYPEFACE);
    font.family = Some(Family { value: Cow::Borrowed("roman") });
    font.pitch = Some(Pitch { value: Cow::Borrowed("variable") });
    let mut table = FontTable::default();
    table.push_font(font);
    docx.font_table = Some(table);
    docx.content_types.overrides.push(OverrideContentType {
        part: Cow::Borrowed("/word/fontTable.xml"),
        ty: Cow::Borrowed(FONT_TABLE_CONTENT_TYPE),
    });
}

/// `docProps/core.xml`: title "<name> — <what>", the candidate as author.
fn core(docx: &mut Docx<'_>, full_name: &str, what: &str) {
    docx.core = Some(Core::CoreNamespace(CoreNamespace {
        title: Some(Cow::Owned(format!("{full_name} — {what}"))),
        creator: Some(Cow::Owned(full_name.to_owned())),
        language: Some(Cow::Borrowed("en")),
        ..Default::default()
    }));
}

/// `docProps/app.xml`, and the relationship to the core properties.
fn app(docx: &mut Docx<'_>) {
    docx.rels.add_rel(CORE_PROPERTIES_REL, "docProps/core.xml");
    // Only what is true of every document (the crate's default claims a template, a word
    // count and a company).
    docx.app = Some(App::AppNoApNamespace(AppNoApNamespace {
        application: Some(Cow::Borrowed(APPLICATION)),
        template: None,
        total_time: None,
        pages: None,
        words: None,
        characters: None,
        doc_security: Some(Cow::Borrowed("0")),
        lines: None,
        paragraphs: None,
        scale_crop: Some(Cow::Borrowed("false")),
        company: None,
        links_up_to_date: Some(Cow::Borrowed("false")),
        characters_with_spaces: None,
        shared_doc: Some(Cow::Borrowed("false")),
        hyperlinks_changed: Some(Cow::Borrowed("false")),
        app_version: None,
    }));
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
