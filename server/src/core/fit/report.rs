//! The report itself, a pure function of three texts: the posting's, the candidate's data
//! and the resume's. The same texts always give the same report.

use std::collections::{HashMap, HashSet};

use resume_proto::v1;

use super::{
    vocabulary::{Found, TermId, VOCABULARY},
    words::{self, Word},
};

/// Where a key term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The vocabulary of skills and tools.
    Vocabulary,
    /// A word or phrase the posting repeats.
    Repeated,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Vocabulary => "vocabulary",
            Source::Repeated => "repeated",
        }
    }
}

/// How the resume stands on a key term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The resume names it.
    Shown,
    /// The candidate's data has it; the resume leaves it out.
    HeldNotShown,
    /// The candidate's data does not have it.
    Missing,
}

impl Mark {
    fn as_str(self) -> &'static str {
        match self {
            Mark::Shown => "shown",
            Mark::HeldNotShown => "held_not_shown",
            Mark::Missing => "missing",
        }
    }

    fn of(shown: bool, held: bool) -> Mark {
        if shown {
            Mark::Shown
        } else if held {
            Mark::HeldNotShown
        } else {
            Mark::Missing
        }
    }
}

/// One text searched both ways: for vocabulary terms and for words.
struct Searched<'a> {
    terms: HashSet<TermId>,
    words: Vec<Word<'a>>,
}

impl<'a> Searched<'a> {
    fn new(text: &'a str) -> Searched<'a> {
        Searched { terms: VOCABULARY.find(text).into_iter().map(|f| f.term).collect(), words: words::words(text) }
    }
}

/// The report of `resume` (text) against `posting` (text), `held` being the candidate's
/// data (text); every text as [`text`] makes it.
pub fn assess(job_id: String, job_row_id: i64, posting: &str, held: &str, resume: &str) -> v1::MatchReport {
    let (held, resume) = (Searched::new(held), Searched::new(resume));
    // (mentions, first use, term) for each key term.
    let mut terms: Vec<(usize, usize, v1::MatchTerm)> = Vec::new();
    let known = VOCABULARY.find(posting);
    let mut tally: HashMap<TermId, (usize, usize)> = HashMap::new();
    for Found { term, start, .. } in &known {
        tally.entry(*term).or_insert((0, *start)).0 += 1;
    }
    for (term, (mentions, first)) in tally {
        let mark = Mark::of(resume.terms.contains(&term), held.terms.contains(&term));
        terms.push((mentions, first, key_term(VOCABULARY.name(term).to_owned(), Source::Vocabulary, mark, mentions)));
    }
    for repeated in words::repeated(posting, &known) {
        let mark = Mark::of(words::uses(&resume.words, &repeated.keys), words::uses(&held.words, &repeated.keys));
        let term = key_term(repeated.name, Source::Repeated, mark, repeated.mentions);
        terms.push((repeated.mentions, repeated.first, term));
    }
    terms.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.term.cmp(&b.2.term)));
    let count = |mark: Mark| terms.iter().filter(|t| t.2.status == mark.as_str()).count();
    let (shown, held_not_shown, missing) = (count(Mark::Shown), count(Mark::HeldNotShown), count(Mark::Missing));
    let total = terms.len();
    v1::MatchReport {
        job_id,
        job_row_id,
        terms: terms.into_iter().map(|t| t.2).collect(),
        shown: shown as i32,
        held_not_shown: held_not_shown as i32,
        missing: missing as i32,
        score: percent(shown, total),
        potential: percent(shown + held_not_shown, total),
    }
}

fn key_term(term: String, source: Source, mark: Mark, mentions: usize) -> v1::MatchTerm {
    v1::MatchTerm {
        term,
        source: source.as_str().to_owned(),
        status: mark.as_str().to_owned(),
        mentions: i32::try_from(mentions).unwrap_or(i32::MAX),
    }
}

/// `part` of `total` in whole percent, halves rounded up; none of none.
fn percent(part: usize, total: usize) -> Option<i32> {
    (total > 0).then(|| ((200 * part + total) / (2 * total)) as i32)
}

/// Texts as the report reads them: each part apart from the next (no term or phrase runs
/// from one into the next), every run of whitespace one space.
pub fn text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for part in parts {
        for word in part.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        text.push_str(" |");
    }
    text
}

/// The parts of a candidate's data (or a resume's, read as one) that can name a skill: headline, summary,
/// skills, each role's title and bullets, each degree and field, each certification's name
/// (not names of employers, schools, places or issuers).
pub fn profile(c: &v1::Candidate) -> String {
    let roles = c.experience.iter().flat_map(|e| std::iter::once(&e.title).chain(&e.highlights));
    let studies = c.education.iter().flat_map(|e| [&e.degree, &e.field]).flatten();
    let parts = c.headline.iter().chain(&c.summary).chain(&c.skills).chain(roles).chain(studies);
    text(parts.chain(c.certifications.iter().map(|c| &c.name)).map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(posting: &str, held: &str, resume: &str) -> v1::MatchReport {
        assess("j".into(), 1, &text([posting]), &text([held]), &text([resume]))
    }

    fn marked(r: &v1::MatchReport, status: &str) -> Vec<String> {
        let mut terms: Vec<String> = r.terms.iter().filter(|t| t.status == status).map(|t| t.term.clone()).collect();
        terms.sort();
        terms
    }

    const POSTING: &str = "Backend engineer. You will use Rust, Go, PostgreSQL, Kubernetes, Docker, Terraform, \
        Kafka, Redis, GraphQL and React.";

    #[test]
    fn ten_tools_six_held_four_shown() {
        let held = "Rust, Golang, Postgres, k8s. Wrote Terraform and Kafka consumers.";
        let resume = "Rust, Golang, Postgres, k8s.";
        let r = report(POSTING, held, resume);
        assert_eq!((r.shown, r.held_not_shown, r.missing), (4, 2, 4), "{r:?}");
        assert_eq!(marked(&r, "shown"), ["Go", "Kubernetes", "PostgreSQL", "Rust"]);
        assert_eq!(marked(&r, "held_not_shown"), ["Kafka", "Terraform"]);
        assert_eq!(marked(&r, "missing"), ["Docker", "GraphQL", "React", "Redis"]);
        assert_eq!((r.score, r.potential), (Some(40), Some(60)));
        assert!(r.terms.iter().all(|t| t.source == "vocabulary" && t.mentions == 1));
        // Adding one to the resume raises the score.
        let edited = report(POSTING, held, "Rust, Golang, Postgres, k8s, Terraform.");
        assert_eq!((edited.shown, edited.held_not_shown, edited.missing), (5, 1, 4));
        assert_eq!(edited.score, Some(50));
    }

    #[test]
    fn the_same_texts_give_the_same_report_in_a_fixed_order() {
        let posting = "Payments team: Kafka and Kafka streams; payments at scale, payments daily. Rust. Docker.";
        let first = report(posting, "Kafka, payments", "Docker");
        for _ in 0..20 {
            assert_eq!(report(posting, "Kafka, payments", "Docker"), first);
        }
        let order: Vec<(&str, &str, i32)> =
            first.terms.iter().map(|t| (t.term.as_str(), t.source.as_str(), t.mentions)).collect();
        assert_eq!(
            order,
            [
                ("payments", "repeated", 3),
                ("Kafka", "vocabulary", 2),
                ("Rust", "vocabulary", 1),
                ("Docker", "vocabulary", 1)
            ]
        );
        assert_eq!(marked(&first, "held_not_shown"), ["Kafka", "payments"]);
        assert_eq!(marked(&first, "missing"), ["Rust"]);
    }

    #[test]
    fn a_real_posting_gives_its_terms_and_no_ordinary_words() {
        let posting = "Senior Backend Engineer (Payments). You will design and run services in Go and Rust on \
            PostgreSQL, stream events through Kafka, and deploy with Kubernetes and Terraform on AWS. We value a \
            rest-of-team mindset, swift delivery and engineers who excel at communication. Experience with CI/CD \
            (GitHub Actions), gRPC and REST APIs is a plus; exposure to machine learning or R&D is nice to have. \
            Payments experience required: you will own payments reconciliation and payments reporting.";
        let r = report(posting, "", "");
        let terms: Vec<(&str, &str, i32)> =
            r.terms.iter().map(|t| (t.term.as_str(), t.source.as_str(), t.mentions)).collect();
        let vocabulary = |term| (term, "vocabulary", 1);
        let mut expected = vec![("payments", "repeated", 4)];
        expected.extend(
            [
                "Go",
                "Rust",
                "PostgreSQL",
                "Kafka",
                "Kubernetes",
                "Terraform",
                "AWS",
                "CI/CD",
                "GitHub Actions",
                "gRPC",
                "REST",
                "Machine learning",
            ]
            .map(vocabulary),
        );
        assert_eq!(terms, expected);
        assert_eq!((r.missing, r.score), (13, Some(0)));
    }

    #[test]
    fn a_posting_with_no_key_term_has_no_score() {
        let r = report("Friendly people wanted.", "Rust", "Rust");
        assert!(r.terms.is_empty());
        assert_eq!((r.score, r.potential), (None, None));
    }

    #[test]
    fn scores_round_halves_up() {
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 5), Some(0));
        assert_eq!(percent(5, 5), Some(100));
    }

    #[test]
    fn parts_stay_apart() {
        let skills = vec!["Machine".to_owned(), "learning".to_owned()];
        let t = profile(&v1::Candidate { skills, ..Default::default() });
        assert!(VOCABULARY.find(&t).is_empty(), "{t}");
        let t = text(["Spring\n\n  Boot"]);
        assert_eq!(t, "Spring Boot |");
    }
}
