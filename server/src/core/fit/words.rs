//! The words of a text, and the terms a posting repeats that the vocabulary does not know.
//!
//! A word is a run of letters and digits (a `-` or `'` between two of them joins them:
//! "on-call", "o'reilly"), compared in lower case with one trailing `s` ignored when the word
//! is longer than three letters and does not end in `ss` ("pipelines" is "pipeline").
//! Two different words are a phrase when only a space separates them (punctuation breaks a
//! phrase).
//!
//! A posting *repeats* a word when it uses it at least [`WORD_REPEATS`] times, or a phrase
//! of two words at least [`PHRASE_REPEATS`] times, counting only words of three letters or
//! more that are not all digits, not in `stopwords.txt` and not part of a vocabulary term's
//! occurrence. A repeated word is left out when a repeated phrase holding it is used as
//! often as the word itself (the phrase says it). At most [`MAX_REPEATED`] are kept: the
//! most used first, then the first used.

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use resume_proto::words::in_word;

use super::vocabulary::Found;

/// Uses of one word that make it a term the posting repeats.
pub const WORD_REPEATS: usize = 3;
/// Uses of one two-word phrase that make it a term the posting repeats.
pub const PHRASE_REPEATS: usize = 2;
/// The most repeated terms a report lists.
pub const MAX_REPEATED: usize = 10;

/// Words that are never a repeated term, as keys.
static STOPWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("stopwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(key)
        .collect()
});

/// How a word is compared: lower case, one plural `s` dropped.
fn key(word: &str) -> String {
    let lower = word.to_lowercase();
    match lower.strip_suffix('s') {
        Some(stem) if lower.chars().count() > 3 && !stem.ends_with('s') => stem.to_owned(),
        _ => lower,
    }
}

/// One word of a text.
#[derive(Debug)]
pub struct Word<'a> {
    /// As written.
    pub text: &'a str,
    /// As compared.
    pub key: String,
    pub start: usize,
    pub end: usize,
    /// Only a space separates it from the word before.
    pub follows: bool,
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut last_end: Option<usize> = None;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let joiner = matches!(c, '-' | '\'') && chars.get(j + 1).is_some_and(|(_, n)| n.is_alphanumeric());
            // A word goes on through its marks and zero-width joiners (a virama: शर्मा).
            if !(in_word(c) || joiner) {
                break;
            }
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |(at, _)| *at);
        let follows = last_end.is_some_and(|last| text[last..start] == *" ");
        words.push(Word { text: &text[start..end], key: key(&text[start..end]), start, end, follows });
        last_end = Some(end);
        i = j;
    }
    words
}

/// A term a posting repeats: one word or a two-word phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeated {
    /// As the posting first writes it, in lower case.
    pub name: String,
    /// Its words' keys.
    pub keys: Vec<String>,
    /// How many times the posting uses it.
    pub mentions: usize,
    /// Where the posting first uses it.
    pub first: usize,
}

/// The terms `posting` repeats (module docs), `known` being where it names vocabulary terms.
pub fn repeated(posting: &str, known: &[Found]) -> Vec<Repeated> {
    let all = words(posting);
    let counts = |w: &Word<'_>| {
        w.text.chars().count() >= 3
            && !w.text.chars().all(|c| c.is_ascii_digit())
            && !STOPWORDS.contains(&w.key)
            && !known.iter().any(|f| f.start < w.end && w.start < f.end)
    };
    let mut found: HashMap<Vec<String>, Repeated> = HashMap::new();
    let mut tally = |keys: Vec<String>, name: String, at: usize| {
        found.entry(keys.clone()).or_insert(Repeated { name, keys, mentions: 0, first: at }).mentions += 1;
    };
    for (i, word) in all.iter().enumerate() {
        if !counts(word) {
            continue;
        }
        tally(vec![word.key.clone()], word.text.to_lowercase(), word.start);
        if let Some(next) = all.get(i + 1).filter(|n| n.follows && n.key != word.key && counts(n)) {
            let name = posting[word.start..next.end].to_lowercase();
            tally(vec![word.key.clone(), next.key.clone()], name, word.start);
        }
    }
    let phrases: Vec<&Repeated> =
        found.values().filter(|r| r.keys.len() == 2 && r.mentions >= PHRASE_REPEATS).collect();
    let said_by_a_phrase =
        |r: &Repeated| phrases.iter().any(|p| p.keys.contains(&r.keys[0]) && p.mentions >= r.mentions);
    let mut kept: Vec<Repeated> = found
        .values()
        .filter(|r| match r.keys.len() {
            1 => r.mentions >= WORD_REPEATS && !said_by_a_phrase(r),
            _ => r.mentions >= PHRASE_REPEATS,
        })
        .cloned()
        .collect();
    kept.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.first.cmp(&b.first)).then(a.keys.cmp(&b.keys)));
    kept.truncate(MAX_REPEATED);
    kept
}

/// Whether `words` (a text's) use the term whose keys are `keys`, as a word or a phrase.
pub fn uses(words: &[Word<'_>], keys: &[String]) -> bool {
    match keys {
        [one] => words.iter().any(|w| w.key == *one),
        [first, second] => words.windows(2).any(|p| p[0].key == *first && p[1].follows && p[1].key == *second),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fit::vocabulary::VOCABULARY;

    fn names(posting: &str) -> Vec<(String, usize)> {
        repeated(posting, &VOCABULARY.find(posting)).into_iter().map(|r| (r.name, r.mentions)).collect()
    }

    #[test]
    fn words_join_hyphens_and_phrases_break_at_punctuation() {
        let w = words("On-call pipelines, data. Data pipelines");
        let texts: Vec<_> = w.iter().map(|w| (w.text, w.key.as_str(), w.follows)).collect();
        assert_eq!(
            texts,
            [
                ("On-call", "on-call", false),
                ("pipelines", "pipeline", true),
                ("data", "data", false),
                ("Data", "data", false),
                ("pipelines", "pipeline", true)
            ]
        );
        let hindi: Vec<_> = words("शर्मा जी").iter().map(|w| w.text).collect();
        assert_eq!(hindi, ["शर्मा", "जी"], "a virama is inside a word");
    }

    #[test]
    fn a_word_used_three_times_or_a_phrase_used_twice_is_repeated() {
        let posting = "Payments matter. We ship payments. Payment fraud is rare. Ledger, ledger.";
        assert_eq!(names(posting), [("payments".to_owned(), 3)]);
        let posting = "Own the payment platform. The payment platform scales; payment platform on-call.";
        assert_eq!(names(posting), [("payment platform".to_owned(), 3)], "the phrase says the word");
    }

    #[test]
    fn stopwords_numbers_short_words_and_known_terms_are_not_repeated() {
        let posting = "Our team, our team, our team: 2024 2024 2024, go go go, Kubernetes Kubernetes Kubernetes, \
                       experiences experiences experiences";
        assert_eq!(names(posting), Vec::<(String, usize)>::new());
    }

    #[test]
    fn repeated_terms_are_capped_and_ordered_by_use_then_first_use() {
        let mut posting = String::from("zeta, zeta, zeta, zeta. ");
        for word in
            ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo"]
        {
            posting.push_str(&format!("{word}, {word}, {word}. "));
        }
        let got = names(&posting);
        assert_eq!(got.len(), MAX_REPEATED);
        assert_eq!(got[0], ("zeta".to_owned(), 4));
        assert_eq!(got[1].0, "alpha");
        assert_eq!(got[9].0, "india");
    }

    #[test]
    fn a_text_uses_a_term_by_its_keys() {
        let w = words("Ran the payment platforms; payment. Platform");
        assert!(uses(&w, &["payment".into(), "platform".into()]));
        assert!(!uses(&words("payment. Platform"), &["payment".into(), "platform".into()]));
        assert!(uses(&w, &["platform".into()]));
    }
}
