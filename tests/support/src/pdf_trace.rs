//! A PDF's text trace, read as a reader draws it: every glyph each page shows, where its
//! baseline is and what text it stands for, and which glyphs are glyph 0 (`.notdef`, the
//! empty box a font draws for a character it lacks).
//!
//! A glyph's text is the page's `ActualText` where the writer gave one (typst does for the
//! clusters of complex scripts, whose glyphs are reordered and joined), else its font's
//! `ToUnicode` map. Enough of PDF for what typst writes: composite (Type0) fonts with
//! two-byte glyph ids, text in the pages' own content streams.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use pdf_extract::{Dictionary, Document, Object};

/// What a PDF's pages draw.
#[derive(Debug, Default)]
pub struct PdfTrace {
    /// Every page's lines, top to bottom.
    pub pages: Vec<Vec<PdfLine>>,
    /// How many glyphs are drawn as glyph 0.
    pub notdef: usize,
}

/// The glyphs drawn on one baseline, in the order the page draws them.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfLine {
    /// The baseline's height above the page's bottom edge, in points.
    pub y: f64,
    pub text: String,
}

/// The text trace of `bytes`.
pub fn pdf_trace(bytes: &[u8]) -> Result<PdfTrace> {
    let document = Document::load_mem(bytes).context("not a PDF")?;
    let mut trace = PdfTrace::default();
    for page in document.get_pages().into_values() {
        let fonts: HashMap<Vec<u8>, Font> = document
            .get_page_fonts(page)
            .context("the page's fonts")?
            .into_iter()
            .map(|(name, font)| Ok((name, Font::read(&document, font)?)))
            .collect::<Result<_>>()?;
        let content = document.get_and_decode_page_content(page).context("the page's content")?;
        let mut reader = PageReader::new(&fonts);
        for operation in &content.operations {
            reader.apply(&operation.operator, &operation.operands)?;
        }
        trace.notdef += reader.notdef;
        reader.lines.sort_by(|a, b| b.y.total_cmp(&a.y));
        trace.pages.push(reader.lines);
    }
    Ok(trace)
}

/// A font as far as its text goes.
#[derive(Default)]
struct Font {
    /// Two-byte codes (a composite font), else one byte.
    composite: bool,
    /// Code to text, from the `ToUnicode` map.
    text: HashMap<u32, String>,
}

impl Font {
    fn read(document: &Document, font: &Dictionary) -> Result<Font> {
        let composite = font.get(b"Subtype").and_then(Object::as_name).is_ok_and(|subtype| subtype == b"Type0");
        let mut text = HashMap::new();
        if let Ok(map) = font.get_deref(b"ToUnicode", document).and_then(Object::as_stream) {
            let map = String::from_utf8_lossy(&map.decompressed_content().context("a ToUnicode map")?).into_owned();
            read_cmap(&map, &mut text);
        }
        Ok(Font { composite, text })
    }
}

/// The `bfchar` and `bfrange` entries of a `ToUnicode` CMap.
fn read_cmap(map: &str, text: &mut HashMap<u32, String>) {
    let hex = |token: &str| token.trim_matches(|c| c == '<' || c == '>').to_owned();
    for section in map.split("beginbf").skip(1) {
        let (kind, body) = section.split_at(section.find(|c: char| c.is_whitespace()).unwrap_or(0));
        let body = body.split("endbf").next().unwrap_or_default();
        let tokens: Vec<String> = body.split_whitespace().map(hex).collect();
        match kind {
            "char" => {
                for pair in tokens.chunks(2) {
                    if let [code, target] = pair {
                        text.insert(u32::from_str_radix(code, 16).unwrap_or(0), utf16(target));
                    }
                }
            }
            "range" => {
                for triple in tokens.chunks(3) {
                    if let [first, last, target] = triple {
                        let (first, last) =
                            (u32::from_str_radix(first, 16).unwrap_or(0), u32::from_str_radix(last, 16).unwrap_or(0));
                        let base = utf16(target);
                        for (offset, code) in (first..=last).enumerate() {
                            let shifted = base.chars().map(|c| char::from_u32(c as u32 + offset as u32).unwrap_or(c));
                            text.insert(code, shifted.collect());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Text from UTF-16BE hex digits.
fn utf16(hex: &str) -> String {
    let units: Vec<u16> =
        (0..hex.len() / 4).filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok()).collect();
    String::from_utf16_lossy(&units)
}

/// Walks one page's content stream.
struct PageReader<'a> {
    fonts: &'a HashMap<Vec<u8>, Font>,
    /// The current transformation matrix, and those `q` saved.
    ctm: Matrix,
    saved: Vec<Matrix>,
    /// The text matrix (typst sets it with `Tm` only).
    tm: Matrix,
    font: Option<&'a Font>,
    /// For each open marked-content sequence: its `ActualText`, if it has one, until shown.
    marked: Vec<Option<Option<String>>>,
    lines: Vec<PdfLine>,
    notdef: usize,
}

/// `[a b c d e f]`, as PDF writes a matrix.
#[derive(Clone, Copy)]
struct Matrix([f64; 6]);

impl Default for Matrix {
    fn default() -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    }
}

impl Matrix {
    fn from(operands: &[Object]) -> Matrix {
        let mut m = [0.0; 6];
        for (value, operand) in m.iter_mut().zip(operands) {
            *value = operand.as_float().unwrap_or(0.0) as f64;
        }
        Matrix(m)
    }

    /// `self` applied after `outer` (`self × outer`).
    fn then(self, outer: Matrix) -> Matrix {
        let ([a, b, c, d, e, f], [oa, ob, oc, od, oe, of]) = (self.0, outer.0);
        Matrix([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }
}

impl<'a> PageReader<'a> {
    fn new(fonts: &'a HashMap<Vec<u8>, Font>) -> PageReader<'a> {
        PageReader {
            fonts,
            ctm: Matrix::default(),
            saved: Vec::new(),
            tm: Matrix::default(),
            font: None,
            marked: Vec::new(),
            lines: Vec::new(),
            notdef: 0,
        }
    }

    fn apply(&mut self, operator: &str, operands: &[Object]) -> Result<()> {
        match operator {
            "q" => self.saved.push(self.ctm),
            "Q" => self.ctm = self.saved.pop().unwrap_or_default(),
            "cm" => self.ctm = Matrix::from(operands).then(self.ctm),
            "BT" => self.tm = Matrix::default(),
            "Tm" => self.tm = Matrix::from(operands),
            "Tf" => {
                let name = operands.first().and_then(|name| name.as_name().ok()).unwrap_or_default();
                self.font = Some(self.fonts.get(name).with_context(|| format!("no font {name:?} on the page"))?);
            }
            "BDC" | "BMC" => {
                let properties = operands.get(1).and_then(|p| p.as_dict().ok());
                let actual = properties.and_then(|p| p.get(b"ActualText").and_then(Object::as_str).ok());
                self.marked.push(actual.map(|text| Some(utf16_bytes(text))));
            }
            "EMC" => {
                self.marked.pop();
            }
            "Tj" => self.show(operands.first())?,
            "TJ" => {
                for part in operands.first().and_then(|parts| parts.as_array().ok()).into_iter().flatten() {
                    self.show(Some(part))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Draws a string's glyphs: counts glyph 0, adds their text to the baseline's line.
    fn show(&mut self, string: Option<&Object>) -> Result<()> {
        let Some(Object::String(codes, _)) = string else {
            return Ok(());
        };
        let font = self.font.context("text shown with no font set")?;
        let width = if font.composite { 2 } else { 1 };
        let codes: Vec<u32> = codes.chunks(width).map(|code| code.iter().fold(0, |n, b| n << 8 | *b as u32)).collect();
        if font.composite {
            self.notdef += codes.iter().filter(|code| **code == 0).count();
        }
        let text = match self.marked.iter_mut().rev().find_map(Option::as_mut) {
            // Inside an ActualText span: its text stands for all its glyphs, once.
            Some(actual) => actual.take().unwrap_or_default(),
            None => codes.iter().map(|code| font.text.get(code).map(String::as_str).unwrap_or("\u{fffd}")).collect(),
        };
        let [_, b, _, d, _, f] = self.ctm.0;
        let [.., x, y] = self.tm.0;
        let y = b * x + d * y + f;
        match self.lines.iter_mut().find(|line| (line.y - y).abs() < 0.5) {
            Some(line) => line.text.push_str(&text),
            None => self.lines.push(PdfLine { y, text }),
        }
        Ok(())
    }
}

/// Text from a PDF text string in UTF-16BE with its byte-order mark.
fn utf16_bytes(bytes: &[u8]) -> String {
    let units: Vec<u16> =
        bytes.chunks(2).map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])).collect();
    String::from_utf16_lossy(units.strip_prefix(&[0xFEFF]).unwrap_or(&units))
}
