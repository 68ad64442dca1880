//! PDF rendering with typst used as a library.
//!
//! The template is fixed source; the resume reaches it only as data, a virtual
//! `/resume.json` that the template reads with `json(..)`. Candidate or model text is
//! therefore never parsed as Typst markup. The world denies every other file, so a
//! template can read nothing from disk or network. Fonts come from typst-assets plus the
//! fallbacks compiled into the worker (Indic scripts, Thai, Khmer, CJK), loaded once per
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
use crate::model::Resume;

/// The MIME type of a PDF file.
pub const CONTENT_TYPE: &str = "application/pdf";

const TEMPLATE: &str = include_str!("resume.typ");
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
/// Thai and Khmer; Droid Sans Fallback (one weight) for Chinese, Japanese and Korean.
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
    fallback!("DroidSansFallback.ttf"),
];
/// How many renders a cached layout may go unused before it is dropped.
const CACHE_MAX_AGE: usize = 16;

/// What does not change between renders: library, fonts and the template.
struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Every family the template sets text in, in order of preference.
    families: Vec<String>,
    main: Source,
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
        main: Source::new(file("/main.typ"), TEMPLATE.to_owned()),
        data: file("/resume.json"),
    }
});

/// Loads the fonts and template now rather than on the first resume.
pub fn warm_up() {
    LazyLock::force(&TYPESETTER);
}

/// One render: the shared typesetter and this resume's data.
struct RenderWorld {
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
        TYPESETTER.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == TYPESETTER.main.id() { Ok(TYPESETTER.main.clone()) } else { Err(FileError::AccessDenied) }
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
struct Data<'a> {
    paper: Paper,
    fonts: &'a [String],
    #[serde(flatten)]
    resume: &'a Resume,
}

/// The PDF bytes of `resume` on `paper`.
pub fn render(resume: &Resume, paper: Paper) -> Result<Vec<u8>, RenderError> {
    let data = serde_json::to_vec(&Data { paper, fonts: &TYPESETTER.families, resume })
        .map_err(|e| RenderError::Pdf(format!("resume data: {e}")))?;
    let world = RenderWorld { data: Bytes::new(data) };
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
