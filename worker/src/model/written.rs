//! How far the model calls of one attempt have got: each call's share of its expected
//! reply received (from its stream, or whole when it ends), summed over the calls into
//! one share of the whole, and what is being written in words ("Writing experience: 5 of
//! 8 roles"), published to the attempt's [`Progress`] at every change. The reader (the
//! pipeline) decides how often to report it.

use std::sync::Mutex;

use tokio::sync::watch;

use super::{Progress, Written, reply::MAIN_ROLES};

/// The key every experience entry starts with, as it appears in a reply's JSON (a
/// highlight's own quotes are escaped, so it matches keys only).
const ROLE_KEY: &[u8] = b"\"role\"";

/// What a call writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// Headline, summary and skills, and the entries of this many roles.
    Main(usize),
    /// The entries of this many roles.
    Roles(usize),
    /// A cover letter.
    Letter,
}

/// One call's part.
#[derive(Debug)]
struct Part {
    writes: Writes,
    /// Expected characters of its reply.
    expected: usize,
    /// Bytes received so far.
    received: usize,
    /// Role entries begun so far.
    begun: usize,
    done: bool,
}

impl Writes {
    /// The role entries it writes.
    fn roles(self) -> usize {
        match self {
            Writes::Main(roles) | Writes::Roles(roles) => roles,
            Writes::Letter => 0,
        }
    }
}

impl Part {
    fn share(&self) -> usize {
        if self.done { self.expected } else { self.received.min(self.expected) }
    }

    /// Role entries written to their end.
    fn roles_written(&self) -> usize {
        let roles = self.writes.roles();
        match self.done {
            true => roles,
            false => self.begun.saturating_sub(1).min(roles),
        }
    }
}

/// The parts of one attempt, publishing to its progress.
pub struct Tracker<'a> {
    /// Where the sum of the parts goes, at every change.
    sink: &'a Progress,
    /// One per call, by index; a std `Mutex`: held for a sum, never across an `.await`.
    parts: Mutex<Vec<Part>>,
    /// What a main call writing roles had streamed when its roles' key came.
    sections: watch::Sender<Option<String>>,
}

impl<'a> Tracker<'a> {
    /// A tracker of calls that write `parts` (what, and the expected characters), none
    /// begun.
    pub fn new(sink: &'a Progress, parts: impl IntoIterator<Item = (Writes, usize)>) -> Tracker<'a> {
        let parts = parts
            .into_iter()
            .map(|(writes, expected)| Part { writes, expected: expected.max(1), received: 0, begun: 0, done: false })
            .collect();
        Tracker { sink, parts: Mutex::new(parts), sections: watch::Sender::new(None) }
    }

    /// What the main call (writing roles too) had streamed when its roles' key came: its
    /// main sections and that key.
    pub fn main_sections(&self) -> watch::Receiver<Option<String>> {
        self.sections.subscribe()
    }

    /// The handle of part `index`.
    pub fn part(&self, index: usize) -> PartHandle<'_> {
        PartHandle { tracker: self, index }
    }

    fn update(&self, index: usize, change: impl FnOnce(&mut Part)) {
        let mut parts = self.parts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(part) = parts.get_mut(index) {
            change(part);
        }
        let written = written(&parts);
        self.sink.send_if_modified(|shown| {
            let changed = (shown.share, &shown.status) != (written.share, &written.status);
            (shown.share, shown.status) = (written.share, written.status);
            changed
        });
    }

    /// The sections finished so far are `content`.
    pub fn so_far(&self, content: Option<resume_proto::v1::ResumeContent>) {
        self.sink.send_if_modified(|shown| {
            let changed = shown.so_far != content;
            shown.so_far = content;
            changed
        });
    }
}

/// What `parts` have written together.
fn written(parts: &[Part]) -> Written {
    let expected: usize = parts.iter().map(|p| p.expected).sum();
    let share = parts.iter().map(Part::share).sum::<usize>() as f64 / expected.max(1) as f64;
    let roles: usize = parts.iter().map(|p| p.writes.roles()).sum();
    let unfinished = |writes: fn(Writes) -> bool| parts.iter().any(|p| !p.done && writes(p.writes));
    let status = if unfinished(|w| w.roles() > 0) {
        let written: usize = parts.iter().map(Part::roles_written).sum();
        Some(format!("Writing experience: {written} of {roles} roles"))
    } else if unfinished(|w| matches!(w, Writes::Main(_))) {
        Some("Writing the headline, summary and skills".to_owned())
    } else if unfinished(|w| w == Writes::Letter) {
        Some("Writing the cover letter".to_owned())
    } else {
        None
    };
    Written { share: share.min(1.0), status, so_far: None }
}

/// One call's way to tell its tracker how far it has got.
#[derive(Clone, Copy)]
pub struct PartHandle<'a> {
    tracker: &'a Tracker<'a>,
    index: usize,
}

impl PartHandle<'_> {
    /// The reply so far is `text` (each call gives the text it had before and more).
    pub fn received(&self, text: &str) {
        let bytes = text.as_bytes();
        let mut writes = None;
        self.tracker.update(self.index, |part| {
            writes = Some(part.writes);
            // Keys not complete at the last look may be now.
            let from = part.received.saturating_sub(ROLE_KEY.len() - 1);
            part.begun +=
                bytes.get(from..).map_or(0, |new| new.windows(ROLE_KEY.len()).filter(|w| *w == ROLE_KEY).count());
            part.received = bytes.len();
        });
        if let Some(Writes::Main(roles)) = writes
            && roles > 0
        {
            let key = format!("\"{MAIN_ROLES}\"");
            self.tracker.sections.send_if_modified(|sections| match (&sections, text.contains(&key)) {
                (None, true) => {
                    *sections = Some(text.to_owned());
                    true
                }
                _ => false,
            });
        }
    }

    /// The call has its whole reply (or had it from an earlier attempt).
    pub fn done(&self) {
        self.tracker.update(self.index, |part| part.done = true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_roles_are_counted_across_chunks() {
        let (sink, seen) = tokio::sync::watch::channel(Written::default());
        let tracker = Tracker::new(&sink, [(Writes::Main(0), 100), (Writes::Roles(2), 100), (Writes::Roles(1), 200)]);
        tracker.part(0).received(&"x".repeat(50));
        assert_eq!(seen.borrow().share, 0.125);
        assert_eq!(seen.borrow().status.as_deref(), Some("Writing experience: 0 of 3 roles"));
        let reply = r#"{"roles": [{"role": 1, "highlights": ["a \"role\" model"]}, {"role": 2"#;
        // The key split between two chunks is counted once, the escaped one not at all.
        for end in [12, 13, 14, 40, reply.len()] {
            tracker.part(1).received(&reply[..end]);
        }
        assert_eq!(seen.borrow().status.as_deref(), Some("Writing experience: 1 of 3 roles"));
        tracker.part(1).done();
        tracker.part(2).done();
        assert_eq!(seen.borrow().status.as_deref(), Some("Writing the headline, summary and skills"));
        tracker.part(0).received(&"x".repeat(500));
        assert_eq!(seen.borrow().share, 1.0, "a reply longer than expected counts as its part");
        tracker.part(0).done();
        assert_eq!(*seen.borrow(), Written { share: 1.0, status: None, so_far: None });
    }

    #[test]
    fn roles_the_main_call_writes_count_as_experience() {
        let (sink, seen) = tokio::sync::watch::channel(Written::default());
        let tracker = Tracker::new(&sink, [(Writes::Main(2), 100), (Writes::Roles(3), 100)]);
        tracker.part(1).done();
        let sections = tracker.main_sections();
        tracker.part(0).received(r#"{"headline": "h", "skills": [], "summary": "s", "#);
        assert_eq!(*sections.borrow(), None, "the roles' key not yet streamed");
        let streamed = r#"{"headline": "h", "skills": [], "summary": "s", "work": [{"role": 4}, {"role": 5"#;
        tracker.part(0).received(streamed);
        assert_eq!(seen.borrow().status.as_deref(), Some("Writing experience: 4 of 5 roles"));
        assert_eq!(sections.borrow().as_deref(), Some(streamed));
        let sections = sections.borrow().clone().and_then(|s| crate::model::reply::MainSections::before_roles(&s));
        assert_eq!(sections.and_then(|s| s.summary).as_deref(), Some("s"), "read from what was kept");
        tracker.part(0).done();
        assert_eq!(seen.borrow().status, None);
    }
}
