//! The fact rule of what a model writes, shared by the worker (which removes what breaks it
//! from the model's letter, sentence by sentence, and from a resume's headline, summary and
//! bullets) and the server (which refuses a letter's edit that breaks it, naming the
//! field): every name (a capitalised word: employers, titles,
//! schools, certifications, places) and every number or year a sentence carries must be
//! in the candidate's data, or in the target job's title and company (the addressee).
//!
//! Names are read as words with a capital letter after a sentence's first word (which is
//! capitalised anyway); a word is known when the candidate's data or the target's title or
//! company has it, in any case. Numbers are the digit runs of a word (`40%`, `2019`,
//! `1,200`), known when the data has the same digits. Scripts without capitals are checked
//! for numbers only.

use std::collections::HashSet;

use crate::{v1, words::words};

/// Capitalised words that name nothing: the pronoun, months and days, and the words of a
/// letter's greeting and closing ("Dear Hiring Team", "Kind regards") and of a period
/// ("Jan 2020 – Present").
const NOT_NAMES: &[&str] = &[
    "i",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "present",
    "dear",
    "hiring",
    "team",
    "manager",
    "managers",
    "recruiter",
    "recruiting",
    "recruitment",
    "talent",
    "committee",
    "sir",
    "madam",
    "whom",
    "concern",
    "hello",
    "kind",
    "best",
    "warm",
    "warmest",
    "regards",
    "sincerely",
    "yours",
    "faithfully",
    "truly",
    "respectfully",
    "thank",
    "thanks",
    "with",
];

/// What a letter may name: the words and numbers of a candidate's data and of the target
/// job's title and company.
#[derive(Debug, Default)]
pub struct Known {
    words: HashSet<String>,
    numbers: HashSet<String>,
}

/// A name or number of a sentence that the data does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    Name(String),
    Number(String),
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unknown::Name(name) => write!(f, "\"{name}\""),
            Unknown::Number(number) => write!(f, "the number {number}"),
        }
    }
}

impl Known {
    /// What `candidate`'s data and `target`'s title and company name.
    pub fn of(candidate: &v1::Candidate, target: Option<&v1::CandidateJob>) -> Known {
        let mut texts: Vec<&str> = vec![&candidate.full_name];
        texts.extend(
            [&candidate.headline, &candidate.summary, &candidate.location].into_iter().flatten().map(String::as_str),
        );
        texts.extend(candidate.skills.iter().map(String::as_str));
        for role in &candidate.experience {
            texts.extend([&role.company, &role.title, &role.start].map(String::as_str));
            texts.extend([&role.location, &role.end].into_iter().flatten().map(String::as_str));
            texts.extend(role.highlights.iter().map(String::as_str));
        }
        for study in &candidate.education {
            texts.push(&study.institution);
            texts.extend(
                [&study.degree, &study.field, &study.start, &study.end].into_iter().flatten().map(String::as_str),
            );
        }
        let years: Vec<String> =
            candidate.certifications.iter().filter_map(|c| c.year).map(|y| y.to_string()).collect();
        for certification in &candidate.certifications {
            texts.push(&certification.name);
            texts.extend(certification.issuer.as_deref());
        }
        texts.extend(years.iter().map(String::as_str));
        if let Some(target) = target {
            texts.push(&target.title);
            texts.extend(target.company.as_deref());
        }
        let mut known = Known::default();
        for text in texts {
            for word in words(text) {
                known.numbers.extend(numbers(word));
                known.words.insert(word.to_lowercase());
            }
        }
        known
    }

    /// The first name or number of any sentence of `text` that is not known.
    pub fn first_unknown_in(&self, text: &str) -> Option<Unknown> {
        sentences(text).into_iter().find_map(|sentence| self.first_unknown(sentence))
    }

    /// `text` without the sentences that name something not known (the others joined by a
    /// space; empty when none is left), and what each dropped sentence named first.
    pub fn known_sentences(&self, text: &str) -> (String, Vec<Unknown>) {
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        for sentence in sentences(text) {
            match self.first_unknown(sentence) {
                None => kept.push(sentence),
                Some(unknown) => dropped.push(unknown),
            }
        }
        (kept.join(" "), dropped)
    }

    /// The first name or number of `sentence` that is not known.
    pub fn first_unknown(&self, sentence: &str) -> Option<Unknown> {
        for (i, word) in words(sentence).enumerate() {
            if let Some(number) = numbers(word).find(|n| !self.numbers.contains(n)) {
                return Some(Unknown::Number(number));
            }
            let lower = word.to_lowercase();
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            if i > 0 && capitalised && !NOT_NAMES.contains(&lower.as_str()) && !self.words.contains(&lower) {
                return Some(Unknown::Name(word.to_owned()));
            }
        }
        None
    }
}

/// The numbers of a word, leading zeros aside (`"01"` is `"1"`).
fn numbers(word: &str) -> impl Iterator<Item = String> + '_ {
    word.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(|n| {
        let trimmed = n.trim_start_matches('0');
        if trimmed.is_empty() { "0".to_owned() } else { trimmed.to_owned() }
    })
}

/// The sentences of `text`, each with its closing punctuation: a sentence ends at `.`, `!`
/// or `?` followed by a space (so `2.5` and `e.g.x` do not end one).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|&(_, next)| next.is_whitespace());
        if ends {
            let end = i + c.len_utf8();
            out.push(text[start..end].trim());
            start = end;
        }
    }
    out.push(text[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> v1::Candidate {
        v1::Candidate {
            full_name: "Ada Lovelace".into(),
            skills: vec!["Rust".into(), "PostgreSQL".into()],
            experience: vec![v1::Experience {
                company: "Analytical Engines Ltd".into(),
                title: "Lead Programmer".into(),
                start: "2019-03".into(),
                highlights: vec!["Cut batch time by 40% for 1,200 looms".into()],
                ..Default::default()
            }],
            education: vec![v1::Education { institution: "University of London".into(), ..Default::default() }],
            certifications: vec![v1::Certification {
                name: "Engine Operator".into(),
                year: Some(2021),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn target() -> v1::CandidateJob {
        v1::CandidateJob { title: "Staff Engineer".into(), company: Some("Initech".into()), ..Default::default() }
    }

    #[test]
    fn the_candidates_names_and_numbers_and_the_addressee_are_known() {
        let known = Known::of(&ada(), Some(&target()));
        for sentence in [
            "I am applying for the Staff Engineer role at Initech.",
            "At Analytical Engines Ltd I cut batch time by 40% for 1,200 looms since March 2019.",
            "I studied at the University of London and hold the Engine Operator certification (2021).",
            "I write Rust and PostgreSQL.",
            "Several years of work taught me that.",
        ] {
            assert_eq!(known.first_unknown(sentence), None, "{sentence}");
        }
    }

    #[test]
    fn an_invented_employer_or_number_is_unknown() {
        let known = Known::of(&ada(), Some(&target()));
        assert_eq!(
            known.first_unknown("I led teams at Invented Employer Ltd."),
            Some(Unknown::Name("Invented".into()))
        );
        assert_eq!(known.first_unknown("I raised revenue by 73%."), Some(Unknown::Number("73".into())));
        assert_eq!(known.first_unknown("I did it in 2015."), Some(Unknown::Number("2015".into())));
        let general = Known::of(&ada(), None);
        assert_eq!(general.first_unknown("I want to join Initech."), Some(Unknown::Name("Initech".into())));
    }

    #[test]
    fn sentences_end_at_punctuation_before_a_space() {
        assert_eq!(sentences("One 2.5 times. Two! Three? Four"), ["One 2.5 times.", "Two!", "Three?", "Four"]);
        assert_eq!(sentences("  "), Vec::<&str>::new());
    }
}
