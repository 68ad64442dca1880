//! The skills and tools a match report knows by name (`vocabulary.txt`, compiled in and
//! read once), and where a text names them.
//!
//! Every spelling is searched at once (one Aho–Corasick automaton, ASCII case ignored),
//! then each occurrence is kept only if:
//! - it stands alone: the character before it is not a letter, digit or `_`, nor a `.`
//!   glued to a word (`Vue.js` does not name `JS`, `ASP.NET` does not name `.NET`); the
//!   character after it, when the spelling ends in a letter or digit, is none of those nor
//!   `+` or `#` (`C` is not in `C++` or `C#`), and never a `.` glued to a word (`Node.js` is
//!   not `Node`, a web address is not a name);
//! - a spelling of one or two characters (`Go`, `R`, `C`, `JS`) is not joined by `-`, `&`
//!   or `'` to a word on either side (`R&D`, `C-suite`, `Go-to-market`);
//! - a spelling of one or two characters, or one the file marks with `=`, is written in
//!   exactly its case (`Go` but not "go", `Swift` but not "swift");
//! - it is not inside a longer occurrence (`Spring` inside `Spring Boot`, `SQL` inside
//!   `PL/SQL`): the longer one counts, the shorter is not named there.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// The vocabulary file: one term a line, its spellings separated by `|`.
const SOURCE: &str = include_str!("vocabulary.txt");

/// A term of the vocabulary: the index of its line among the terms.
pub type TermId = usize;

/// One way a term is written.
struct Spelling {
    term: TermId,
    /// As written in the file (without the `=`).
    text: &'static str,
    /// It matches only in exactly this case.
    exact_case: bool,
    /// One or two characters: it must not be joined to a word by `-`, `&` or `'`.
    short: bool,
}

/// The parsed vocabulary and its automaton.
pub struct Vocabulary {
    /// Each term's name (its first spelling).
    names: Vec<&'static str>,
    spellings: Vec<Spelling>,
    automaton: AhoCorasick,
}

/// An occurrence of a term in a text: the term and its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub term: TermId,
    pub start: usize,
    pub end: usize,
}

/// The vocabulary the project ships, parsed on first use.
pub static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| Vocabulary::parse(SOURCE));

impl Vocabulary {
    /// Parses `source` (the file's format). Panics on a malformed file: it is compiled in,
    /// and a unit test parses it.
    fn parse(source: &'static str) -> Vocabulary {
        let mut names = Vec::new();
        let mut spellings = Vec::new();
        for line in source.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let term = names.len();
            for spelling in line.split('|').map(str::trim) {
                let (text, marked) = match spelling.strip_prefix('=') {
                    Some(text) => (text, true),
                    None => (spelling, false),
                };
                assert!(!text.is_empty() && text.is_ascii(), "vocabulary.txt: bad spelling in {line:?}");
                let short = text.chars().count() <= 2;
                spellings.push(Spelling { term, text, exact_case: marked || short, short });
            }
            names.push(line.split('|').next().unwrap_or(line).trim().trim_start_matches('='));
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(spellings.iter().map(|s| s.text))
            .expect("the vocabulary's automaton builds");
        Vocabulary { names, spellings, automaton }
    }

    /// The name of `term`, as reports show it.
    pub fn name(&self, term: TermId) -> &'static str {
        self.names[term]
    }

    /// Every occurrence of a term in `text` (whitespace runs must already be single
    /// spaces), in order of position.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut found: Vec<Found> = self
            .automaton
            .find_overlapping_iter(text)
            .filter(|m| self.stands_alone(text, &self.spellings[m.pattern().as_usize()], m.start(), m.end()))
            .map(|m| Found { term: self.spellings[m.pattern().as_usize()].term, start: m.start(), end: m.end() })
            .collect();
        // Longest first at each start, so that a longer occurrence hides what it contains.
        found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut kept: Vec<Found> = Vec::with_capacity(found.len());
        for f in found {
            let inside =
                kept.iter().any(|k| k.start <= f.start && f.end <= k.end && (k.start, k.end) != (f.start, f.end));
            if !inside && !kept.contains(&f) {
                kept.push(f);
            }
        }
        kept
    }

    /// Whether `spelling` at `start..end` of `text` names its term there (module docs).
    fn stands_alone(&self, text: &str, spelling: &Spelling, start: usize, end: usize) -> bool {
        if spelling.exact_case && &text[start..end] != spelling.text {
            return false;
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let before = &text[..start];
        let after = &text[end..];
        let mut back = before.chars().rev();
        let (prev, prev2) = (back.next(), back.next());
        let mut ahead = after.chars();
        let (next, next2) = (ahead.next(), ahead.next());
        let glued = |c: Option<char>| c.is_some_and(word);
        let ends_in_word = spelling.text.chars().next_back().is_some_and(word);
        let joins =
            |c: Option<char>, beyond: Option<char>, by: &[char]| c.is_some_and(|c| by.contains(&c)) && glued(beyond);
        if glued(prev) || joins(prev, prev2, &['.']) {
            return false;
        }
        if ends_in_word && (glued(next) || matches!(next, Some('+' | '#'))) {
            return false;
        }
        if joins(next, next2, &['.']) {
            return false;
        }
        !(spelling.short && (joins(prev, prev2, &['-', '&', '\'']) || joins(next, next2, &['-', '&', '\''])))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The names of the terms `text` names, sorted.
    fn named(text: &str) -> BTreeSet<&'static str> {
        VOCABULARY.find(text).into_iter().map(|f| VOCABULARY.name(f.term)).collect()
    }

    fn set<const N: usize>(names: [&'static str; N]) -> BTreeSet<&'static str> {
        names.into_iter().collect()
    }

    #[test]
    fn the_file_parses_and_no_spelling_is_on_two_lines() {
        let v = &*VOCABULARY;
        assert!(v.names.len() > 300, "{} terms", v.names.len());
        let mut seen = std::collections::HashMap::new();
        for s in &v.spellings {
            let key = if s.exact_case { s.text.to_owned() } else { s.text.to_ascii_lowercase() };
            if let Some(other) = seen.insert(key, s.term) {
                panic!("{:?} is a spelling of {} and of {}", s.text, v.name(other), v.name(s.term));
            }
        }
    }

    #[test]
    fn aliases_name_their_term() {
        assert_eq!(named("JS, ECMAScript and JavaScript"), set(["JavaScript"]));
        assert_eq!(named("we run k8s on Postgres"), set(["Kubernetes", "PostgreSQL"]));
        assert_eq!(named("Golang services"), set(["Go"]));
    }

    #[test]
    fn symbols_in_names_are_matched_whole() {
        assert_eq!(named("C++, C# and .NET on Node.js with CI/CD"), set(["C++", "C#", ".NET", "Node.js", "CI/CD"]));
        assert_eq!(named("C programming"), set(["C"]));
        assert_eq!(named("ASP.NET and VB.NET"), set(["ASP.NET", "Visual Basic"]));
        assert_eq!(named("PL/SQL and T-SQL"), set(["PL/SQL", "T-SQL"]));
    }

    #[test]
    fn names_are_not_found_inside_words() {
        assert_eq!(named("JavaScript"), set(["JavaScript"]), "not Java");
        assert_eq!(named("Vue.js"), set(["Vue"]), "not JS");
        assert_eq!(named("see github.com/ada"), set([]), "a web address is not GitHub");
        assert_eq!(named("Rustaceans, Gopher, Cargo, Scalability"), set([]));
        assert_eq!(named("spring_boot"), set([]));
    }

    #[test]
    fn short_and_marked_names_need_their_case() {
        assert_eq!(named("Go and R"), set(["Go", "R"]));
        assert_eq!(named("go ahead, r u there, c"), set([]));
        assert_eq!(named("R&D in the C-suite, a Go-to-market plan"), set([]));
        assert_eq!(named("we excel at rest and spring into action"), set([]));
        assert_eq!(named("Excel, REST and Spring"), set(["Excel", "REST", "Spring"]));
        assert_eq!(named("Swift and swift delivery"), set(["Swift"]));
    }

    #[test]
    fn a_longer_name_hides_the_shorter_inside_it() {
        assert_eq!(named("Spring Boot"), set(["Spring Boot"]));
        assert_eq!(named("React Native and GitLab CI"), set(["React Native", "GitLab CI"]));
        assert_eq!(named("Spring Boot and Spring"), set(["Spring Boot", "Spring"]));
    }

    #[test]
    fn case_is_otherwise_ignored_and_multi_word_names_match() {
        assert_eq!(
            named("POSTGRESQL, kubernetes, machine learning"),
            set(["PostgreSQL", "Kubernetes", "Machine learning"])
        );
    }
}
