//! The offline generator: a resume (or a cover letter, [`letter::offline`]) from the
//! candidate's own data, with no network call.
//!
//! Tailoring is ordering only: skills and highlights that share words with the target
//! job come first (stable, so equally relevant items keep the candidate's order). Nothing
//! is added, removed or reworded.

use std::collections::HashSet;

use resume_proto::{content::Content, job::Document, v1};

use futures::{FutureExt, future::BoxFuture};

use super::{Attempt, Certification, Contact, Generated, Generator, Read, Resume, Role, Study, Usage, letter};

/// The generator that needs no network.
pub struct Offline;

impl Generator for Offline {
    fn read_resume<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<Read, super::ModelError>> {
        let (candidate, warnings) = crate::import::parse::parse(text);
        async move { Ok(Read { candidate, warnings, usage: Usage::default() }) }.boxed()
    }

    fn generate<'a>(
        &'a self,
        document: Document,
        candidate: &'a v1::Candidate,
        target: Option<&'a v1::CandidateJob>,
        _kept: &'a [v1::ModelAnswer],
        _progress: &'a super::Progress,
    ) -> BoxFuture<'a, Attempt> {
        // Nothing to keep: it makes no call, and never fails.
        let content = match document {
            Document::Resume => Content::Resume(content(candidate, target)),
            Document::CoverLetter => {
                Content::CoverLetter(letter::offline(candidate, target, candidate.full_name.trim()))
            }
        };
        let generated = Generated { content, usage: Usage::default(), repairs: Vec::new() };
        async move { Attempt { result: Ok(generated), answers: Vec::new() } }.boxed()
    }
}

/// Words too common to say anything about a job.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "our", "the",
    "to", "we", "will", "with", "you", "your", "who", "this", "that", "have", "has", "can", "all",
];

/// The content of `candidate`'s resume in their own words, ordered for `target` when there
/// is one.
pub fn content(candidate: &v1::Candidate, target: Option<&v1::CandidateJob>) -> v1::ResumeContent {
    let keywords = target.map(keywords).unwrap_or_default();
    v1::ResumeContent {
        full_name: candidate.full_name.trim().to_owned(),
        headline: non_blank(candidate.headline.as_deref()),
        summary: non_blank(candidate.summary.as_deref()),
        skills: by_relevance(candidate.skills.clone(), &keywords),
        experience: candidate
            .experience
            .iter()
            .map(|e| v1::Experience { highlights: by_relevance(e.highlights.clone(), &keywords), ..e.clone() })
            .collect(),
        education: candidate.education.clone(),
        certifications: candidate.certifications.clone(),
    }
}

/// The resume as the renderers show `content`: the contact line from `candidate`, periods
/// and details spelled out.
pub fn present(candidate: &v1::Candidate, content: &v1::ResumeContent) -> Resume {
    Resume {
        full_name: content.full_name.clone(),
        contact: contact(candidate),
        headline: non_blank(content.headline.as_deref()),
        summary: non_blank(content.summary.as_deref()),
        skills: content.skills.clone(),
        experience: content
            .experience
            .iter()
            .map(|e| Role {
                title: e.title.clone(),
                company: e.company.clone(),
                location: non_blank(e.location.as_deref()),
                period: period(Some(&e.start), e.end.as_deref()).unwrap_or_default(),
                highlights: e.highlights.clone(),
            })
            .collect(),
        education: content
            .education
            .iter()
            .map(|e| Study {
                institution: e.institution.clone(),
                degree: join(&[e.degree.as_deref(), e.field.as_deref()], ", "),
                period: period(e.start.as_deref(), e.end.as_deref()),
            })
            .collect(),
        certifications: content
            .certifications
            .iter()
            .map(|c| Certification {
                name: c.name.clone(),
                detail: join(&[c.issuer.as_deref(), c.year.map(|y| y.to_string()).as_deref()], ", "),
            })
            .collect(),
    }
}

pub(super) fn non_blank(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

pub(super) fn join(parts: &[Option<&str>], separator: &str) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

pub(super) fn contact(c: &v1::Candidate) -> Vec<Contact> {
    let mut items = Vec::new();
    if let Some(email) = non_blank(c.email.as_deref()) {
        items.push(Contact { url: Some(format!("mailto:{email}")), text: email });
    }
    for text in [&c.phone, &c.location].into_iter().filter_map(|v| non_blank(v.as_deref())) {
        items.push(Contact { text, url: None });
    }
    for link in &c.links {
        let shown = link.url.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
        items.push(Contact { text: shown.to_owned(), url: Some(link.url.clone()) });
    }
    items
}

/// "2020-01" → "Jan 2020"; "2020" → "2020".
fn month(value: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match value.split_once('-') {
        Some((year, m)) => match m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))) {
            Some(name) => format!("{name} {year}"),
            None => value.to_owned(),
        },
        None => value.to_owned(),
    }
}

/// "Jan 2020 – Present", "2012 – 2015", or `None` without a start.
pub(super) fn period(start: Option<&str>, end: Option<&str>) -> Option<String> {
    let start = start.filter(|s| !s.is_empty())?;
    let end = end.filter(|e| !e.is_empty()).map_or_else(|| "Present".to_owned(), month);
    Some(format!("{} – {end}", month(start)))
}

pub(super) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The meaningful words of a target job's title and description.
pub(super) fn keywords(target: &v1::CandidateJob) -> HashSet<String> {
    words(&target.title)
        .chain(words(&target.description))
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// `items` with those sharing more words with the target first; ties keep their order.
fn by_relevance(mut items: Vec<String>, keywords: &HashSet<String>) -> Vec<String> {
    if !keywords.is_empty() {
        items.sort_by_cached_key(|item| std::cmp::Reverse(words(item).filter(|w| keywords.contains(w)).count()));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> v1::Candidate {
        v1::Candidate {
            full_name: " Ada Lovelace ".into(),
            email: Some("ada@example.com".into()),
            location: Some("London, UK".into()),
            links: vec![v1::Link { label: "GitHub".into(), url: "https://github.com/ada/".into() }],
            skills: vec!["Mathematics".into(), "Rust".into(), "PostgreSQL".into()],
            experience: vec![v1::Experience {
                company: "Analytical Engines".into(),
                title: "Programmer".into(),
                start: "2020-01".into(),
                end: None,
                highlights: vec!["Wrote notes on the engine".into(), "Built a Rust service on PostgreSQL".into()],
                ..Default::default()
            }],
            education: vec![v1::Education {
                institution: "University of London".into(),
                degree: Some("BSc".into()),
                field: Some("Mathematics".into()),
                start: Some("2012".into()),
                end: Some("2015".into()),
            }],
            certifications: vec![v1::Certification {
                name: "CKA".into(),
                issuer: Some("CNCF".into()),
                year: Some(2021),
            }],
            ..Default::default()
        }
    }

    fn rust_job() -> v1::CandidateJob {
        v1::CandidateJob {
            title: "Backend engineer".into(),
            description: "We build services in Rust with PostgreSQL.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn without_a_target_the_candidate_order_is_kept() {
        let ada = ada();
        let resume = present(&ada, &content(&ada, None));
        assert_eq!(resume.full_name, "Ada Lovelace");
        assert_eq!(resume.skills, ["Mathematics", "Rust", "PostgreSQL"]);
        assert_eq!(resume.experience[0].period, "Jan 2020 – Present");
        assert_eq!(resume.education[0].degree.as_deref(), Some("BSc, Mathematics"));
        assert_eq!(resume.education[0].period.as_deref(), Some("2012 – 2015"));
        assert_eq!(resume.certifications[0].detail.as_deref(), Some("CNCF, 2021"));
        let contact: Vec<_> = resume.contact.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(contact, ["ada@example.com", "London, UK", "github.com/ada"]);
        assert_eq!(resume.contact[0].url.as_deref(), Some("mailto:ada@example.com"));
    }

    #[test]
    fn a_target_moves_matching_skills_and_highlights_first() {
        let resume = content(&ada(), Some(&rust_job()));
        assert_eq!(resume.skills, ["Rust", "PostgreSQL", "Mathematics"]);
        assert_eq!(resume.experience[0].highlights[0], "Built a Rust service on PostgreSQL");
        // Ordering only: the same items, none added or lost, and the facts as they are.
        assert_eq!(resume.experience[0].highlights.len(), 2);
        assert_eq!(resume.experience[0].start, "2020-01");
        assert_eq!(resume.education, ada().education);
    }

    #[test]
    fn an_edited_content_is_shown_as_it_is() {
        let ada = ada();
        let mut edited = content(&ada, None);
        edited.headline = Some("Edited headline".into());
        edited.experience[0].highlights = vec!["An edited bullet".into()];
        edited.skills.reverse();
        let resume = present(&ada, &edited);
        assert_eq!(resume.headline.as_deref(), Some("Edited headline"));
        assert_eq!(resume.experience[0].highlights, ["An edited bullet"]);
        assert_eq!(resume.skills, ["PostgreSQL", "Rust", "Mathematics"]);
    }
}
