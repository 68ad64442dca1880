//! Glyph runs joined back together before a PDF is written, so that its text reads once.
//!
//! Typst lays a shaped run out in pieces wherever a glyph moves up or down (a Bengali vowel
//! sign under a conjunct, a Thai tone mark, Devanagari marks on ligatures), and each piece
//! carries the text of every cluster it draws part of. A cluster cut in two then stands in
//! the PDF's text twice, and a reader (an applicant tracking system, copy and paste) gets
//! "প্রযুযুক্তি" for "প্রযুক্তি". Joined back, with the vertical moves kept as glyph
//! offsets, each cluster is one run again, and the PDF writer maps its text to it once.

use typst::{
    layout::{Em, Frame, FrameItem, Point},
    text::TextItem,
};
use typst_layout::{Page, PagedDocument};

/// `document` with every cut cluster's pieces joined, on every page.
pub fn rejoin(document: PagedDocument) -> PagedDocument {
    use typst::model::Document as _;
    let pages = document.pages().iter().cloned().map(|page| Page { frame: rejoined(&page.frame), ..page }).collect();
    PagedDocument::new(pages, document.info().clone())
}

/// A copy of `frame` with the pieces of each cut cluster joined, in groups too.
fn rejoined(frame: &Frame) -> Frame {
    let mut items: Vec<(Point, FrameItem)> = Vec::with_capacity(frame.items().len());
    for (pos, item) in frame.items() {
        if let FrameItem::Text(next) = item
            && let Some((before, FrameItem::Text(run))) = items.last_mut()
            && let Some(shared) = continuation(*before, run, *pos, next)
        {
            join(*before, run, *pos, next, shared);
            continue;
        }
        let item = if let FrameItem::Group(group) = item {
            let mut group = group.clone();
            group.frame = rejoined(&group.frame);
            FrameItem::Group(group)
        } else {
            item.clone()
        };
        items.push((*pos, item));
    }
    let mut copy = frame.clone();
    copy.clear();
    copy.push_multiple(items);
    copy
}

/// If `next` (at `at`) is the rest of `run` (at `before`): the same font and style, starting
/// where `run` ends, with the cluster `run` ends in; the length of that cluster's text.
fn continuation(before: Point, run: &TextItem, at: Point, next: &TextItem) -> Option<usize> {
    let same_style = run.font == next.font
        && run.size == next.size
        && run.fill == next.fill
        && run.stroke == next.stroke
        && run.lang == next.lang
        && run.region == next.region;
    let adjacent = (before.x + run.width() - at.x).to_pt().abs() < 0.01 && (before.y - at.y).abs() < run.size;
    if !(same_style && adjacent) {
        return None;
    }
    shared_cluster(run, next)
}

/// The length of the cluster `run`'s last glyph and `next`'s first glyph both draw part of.
fn shared_cluster(run: &TextItem, next: &TextItem) -> Option<usize> {
    let last = run.glyphs.last()?.range();
    let first = next.glyphs.first()?.range();
    (first.start == 0 && last.end == run.text.len() && run.text.get(last.clone()) == next.text.get(first.clone()))
        .then_some(last.len())
}

/// Appends `next`'s glyphs to `run`, its height kept as each glyph's vertical offset; the
/// `shared` bytes `next`'s text starts with are the end of `run`'s.
fn join(before: Point, run: &mut TextItem, at: Point, next: &TextItem, shared: usize) {
    // Ranges are u16 in typst (which saturates them too).
    let shift = u16::try_from(run.text.len() - shared).unwrap_or(u16::MAX);
    // Frame y grows downwards; a glyph's offset is measured upwards.
    let raised = Em::new((before.y - at.y) / run.size);
    run.glyphs.extend(next.glyphs.iter().cloned().map(|mut glyph| {
        glyph.range = glyph.range.start.saturating_add(shift)..glyph.range.end.saturating_add(shift);
        glyph.y_offset += raised;
        glyph
    }));
    run.text.push_str(&next.text[shared..]);
}
