//! PDF rendering with typst used as a library.
//!
//! The templates are fixed source (one for a resume, one for a cover letter); the document
//! reaches them only as data, a virtual `/data.json` that the template reads with `json(..)`. Candidate or model text is
//! therefore never parsed as Typst markup. The world denies every other file, so a
//! template can read nothing from disk or network. Fonts come from typst-assets plus the
//! fallbacks compiled into the worker (Indic scripts, Thai, Khmer, Arabic, CJK), loaded once per
//! process and shared by every render; a PDF embeds only the subset of glyphs it uses.

use std::sync::LazyLock;

use serde::Serialize;
use typst::{
    Library, LibraryExt, World,
    diag::{FileError, FileResult},
    foundations::{Bytes, Datetime, Duration},
    syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot},
    text::{Font, FontBook},
    utils::LazyHash,
};
use typst_layout::PagedDocument;

use super::{RenderError, glyph_runs};
use crate::model::Printable;

/// The MIME type of a PDF file.
pub const CONTENT_TYPE: &str = "application/pdf";

const RESUME_TEMPLATE: &str = include_str!("resume.typ");
const LETTER_TEMPLATE: &str = include_str!("letter.typ");
/// The typst-assets families the text is set in, in order of preference.
const MAIN_FONTS: &[&str] = &["Libertinus Serif", "New Computer Modern"];

/// A fallback font compiled into the worker (see `worker/fonts/README.md`).
macro_rules! fallback {
    ($file:literal) => {
        include_bytes!(concat!("../../fonts/", $file)).as_slice()
    };
}

/// Fonts for the scripts the main fonts lack, each family after the main ones in this order:
/// Noto Serif (regular and bold) for Devanagari, Bengali, Tamil, Telugu, Gurmukhi, Gujarati,
/// Thai and Khmer, Noto Naskh for Arabic (without it, typst's last resort set Arabic in
/// DejaVu Sans Mono, a monospaced font); Droid Sans Fallback (one weight) for Chinese,
/// Japanese and Korean. (Hebrew, Armenian and Georgian are in the main fonts.)
const FALLBACK_FONTS: &[&[u8]] = &[
    fallback!("NotoSerifDevanagari-Regular.ttf"),
    fallback!("NotoSerifDevanagari-Bold.ttf"),
    fallback!("NotoSerifBengali-Regular.ttf"),
    fallback!("NotoSerifBengali-Bold.ttf"),
    fallback!("NotoSerifTamil-Regular.ttf"),
    fallback!("NotoSerifTamil-Bold.ttf"),
    fallback!("NotoSerifTelugu-Regular.ttf"),
    fallback!("NotoSerifTelugu-Bold.ttf"),
    fallback!("NotoSerifGurmukhi-Regular.ttf"),
    fallback!("NotoSerifGurmukhi-Bold.ttf"),
    fallback!("NotoSerifGujarati-Regular.ttf"),
    fallback!("NotoSerifGujarati-Bold.ttf"),
    fallback!("NotoSerifThai-Regular.ttf"),
    fallback!("NotoSerifThai-Bold.ttf"),
    fallback!("NotoSerifKhmer-Regular.ttf"),
    fallback!("NotoSerifKhmer-Bold.ttf"),
    fallback!("NotoNaskhArabic-Regular.ttf"),
    fallback!("NotoNaskhArabic-Bold.ttf"),
    fallback!("DroidSansFallback.ttf"),
];
/// How many renders a cached layout may go unused before it is dropped.
const CACHE_MAX_AGE: usize = 16;

/// What does not change between renders: library, fonts and the templates.
struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Every family the templates set text in, in order of preference.
    families: Vec<String>,
    resume: Source,
    letter: Source,
    data: FileId,
}

static TYPESETTER: LazyLock<Typesetter> = LazyLock::new(|| {
    let fallbacks: Vec<Font> = FALLBACK_FONTS.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    let mut families: Vec<String> = MAIN_FONTS.iter().map(|family| family.to_string()).collect();
    for font in &fallbacks {
        if !families.contains(&font.info().family) {
            families.push(font.info().family.clone());
        }
    }
    let fonts: Vec<Font> =
        typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).chain(fallbacks).collect();
    let file = |path: &str| {
        let path = VirtualPath::new(path).expect("a valid virtual path");
        RootedPath::new(VirtualRoot::Project, path).intern()
    };
    Typesetter {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        families,
        resume: Source::new(file("/resume.typ"), RESUME_TEMPLATE.to_owned()),
        letter: Source::new(file("/letter.typ"), LETTER_TEMPLATE.to_owned()),
        data: file("/data.json"),
    }
});

/// Loads the fonts and templates now rather than on the first resume.
pub fn warm_up() {
    LazyLock::force(&TYPESETTER);
}

/// One render: the shared typesetter, the template and this document's data.
struct RenderWorld {
    main: &'static Source,
    data: Bytes,
}

impl World for RenderWorld {
    fn library(&self) -> &LazyHash<Library> {
        &TYPESETTER.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &TYPESETTER.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == TYPESETTER.data { Ok(self.data.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn font(&self, index: usize) -> Option<Font> {
        TYPESETTER.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Page size: US Letter for North American candidates, A4 for everyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    A4,
    UsLetter,
}

impl Paper {
    /// The paper a recruiter in the candidate's location would expect.
    pub fn for_location(location: Option<&str>) -> Paper {
        let Some(location) = location else {
            return Paper::A4;
        };
        let last = location.rsplit(',').next().unwrap_or_default().trim().to_lowercase();
        match last.as_str() {
            "us" | "usa" | "u.s." | "u.s.a." | "united states" | "united states of america" | "canada" | "ca" => {
                Paper::UsLetter
            }
            _ => Paper::A4,
        }
    }
}

#[derive(Serialize)]
struct Data<'a, T: Serialize> {
    paper: Paper,
    fonts: &'a [String],
    #[serde(flatten)]
    document: &'a T,
}

/// The PDF bytes of `shown` on `paper`.
pub fn render(shown: &Printable, paper: Paper) -> Result<Vec<u8>, RenderError> {
    let fonts = &TYPESETTER.families;
    let (main, data) = match shown {
        Printable::Resume(resume) => (&TYPESETTER.resume, serde_json::to_vec(&Data { paper, fonts, document: resume })),
        Printable::Letter(letter) => (&TYPESETTER.letter, serde_json::to_vec(&Data { paper, fonts, document: letter })),
    };
    let data = data.map_err(|e| RenderError::Pdf(format!("document data: {e}")))?;
    let world = RenderWorld { main, data: Bytes::new(data) };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    typst::comemo::evict(CACHE_MAX_AGE);
    let document = glyph_runs::rejoin(compiled.map_err(|errors| RenderError::Pdf(messages(&errors)))?);
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| RenderError::Pdf(messages(&errors)))
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn north_america_gets_letter() {
        assert_eq!(Paper::for_location(Some("Austin, TX, USA")), Paper::UsLetter);
        assert_eq!(Paper::for_location(Some("Toronto, Canada")), Paper::UsLetter);
        assert_eq!(Paper::for_location(Some("London, UK")), Paper::A4);
        assert_eq!(Paper::for_location(None), Paper::A4);
    }
}
