//! Input validation. Every error names the offending field, as a client would write its
//! path (`experience[0].start`).

pub use resume_proto::text::printable;
use resume_proto::{
    job::{Document, FileType, Priority},
    text::is_control,
    v1,
};

use crate::error::{Error, Result};

fn invalid(msg: String) -> Error {
    Error::InvalidArgument(msg)
}

/// A required text field: present, not blank, at most `max` characters, printable.
pub fn required(field: &str, value: &str, max: usize) -> Result<()> {
    bounded(field, value, max)?;
    printable_text(field, value)
}

/// An optional text field: at most `max` characters when present, and no control character
/// but a tab or a line break (a NUL is not text, and PostgreSQL refuses to store one; the
/// others break a document's XML). The OpenAPI document states the same rule as a pattern
/// on every text field of a request.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    at_most_chars(field, value, max)?;
    printable_text(field, value)
}

/// A required string that was reported rather than typed (by a worker, or an upload's
/// metadata): present, not blank, at most `max` characters; stored [`printable`] where a
/// person reads it.
pub fn bounded(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(invalid(format!("{field} is required")));
    }
    at_most_chars(field, value, max)
}

fn at_most_chars(field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(invalid(format!("{field} must be at most {max} characters")));
    }
    Ok(())
}

fn printable_text(field: &str, value: &str) -> Result<()> {
    if value.chars().any(is_control) {
        return Err(invalid(format!("{field} must not contain control characters")));
    }
    Ok(())
}

fn at_most<T>(field: &str, items: &[T], max: usize) -> Result<()> {
    if items.len() > max {
        return Err(invalid(format!("{field} must have at most {max} entries")));
    }
    Ok(())
}

/// `"YYYY"` or `"YYYY-MM"`, comparable as a string.
fn month(field: &str, value: Option<&str>) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    let bytes = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
    let ok = match bytes.len() {
        4 => digits(0..4),
        7 => {
            digits(0..4)
                && bytes[4] == b'-'
                && digits(5..7)
                && (1..=12).contains(&value[5..7].parse::<u8>().unwrap_or(0))
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(invalid(format!("{field} must be \"YYYY\" or \"YYYY-MM\""))) }
}

fn period(prefix: &str, start: Option<&str>, end: Option<&str>) -> Result<()> {
    month(&format!("{prefix}.start"), start)?;
    month(&format!("{prefix}.end"), end)?;
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(invalid(format!("{prefix}.end must not be before {prefix}.start")));
    }
    Ok(())
}

fn email(value: Option<&str>) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    let valid = value.len() <= 254
        && !value.contains(|c: char| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid { Ok(()) } else { Err(invalid("email must be an address like name@example.com".into())) }
}

fn url(field: &str, value: &str) -> Result<()> {
    required(field, value, 2048)?;
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !value.contains(char::is_whitespace) => Ok(()),
        _ => Err(invalid(format!("{field} must be an http:// or https:// URL"))),
    }
}

/// A candidate as submitted for creation.
pub fn candidate(c: &v1::Candidate) -> Result<()> {
    required("full_name", &c.full_name, 200)?;
    email(c.email.as_deref())?;
    optional("phone", c.phone.as_deref(), 50)?;
    optional("location", c.location.as_deref(), 200)?;
    optional("headline", c.headline.as_deref(), 300)?;
    optional("summary", c.summary.as_deref(), 5000)?;
    at_most("links", &c.links, 20)?;
    for (i, link) in c.links.iter().enumerate() {
        required(&format!("links[{i}].label"), &link.label, 100)?;
        url(&format!("links[{i}].url"), &link.url)?;
    }
    at_most("skills", &c.skills, 100)?;
    for (i, skill) in c.skills.iter().enumerate() {
        required(&format!("skills[{i}]"), skill, 100)?;
    }
    at_most("experience", &c.experience, 50)?;
    for (i, e) in c.experience.iter().enumerate() {
        let p = format!("experience[{i}]");
        required(&format!("{p}.company"), &e.company, 200)?;
        required(&format!("{p}.title"), &e.title, 200)?;
        optional(&format!("{p}.location"), e.location.as_deref(), 200)?;
        required(&format!("{p}.start"), &e.start, 32)?;
        period(&p, Some(&e.start), e.end.as_deref())?;
        at_most(&format!("{p}.highlights"), &e.highlights, 30)?;
        for (j, h) in e.highlights.iter().enumerate() {
            required(&format!("{p}.highlights[{j}]"), h, 1000)?;
        }
    }
    at_most("education", &c.education, 20)?;
    for (i, e) in c.education.iter().enumerate() {
        let p = format!("education[{i}]");
        required(&format!("{p}.institution"), &e.institution, 200)?;
        optional(&format!("{p}.degree"), e.degree.as_deref(), 200)?;
        optional(&format!("{p}.field"), e.field.as_deref(), 200)?;
        period(&p, e.start.as_deref(), e.end.as_deref())?;
    }
    at_most("certifications", &c.certifications, 50)?;
    for (i, cert) in c.certifications.iter().enumerate() {
        required(&format!("certifications[{i}].name"), &cert.name, 200)?;
        optional(&format!("certifications[{i}].issuer"), cert.issuer.as_deref(), 200)?;
        if cert.year.is_some_and(|y| !(1900..=2100).contains(&y)) {
            return Err(invalid(format!("certifications[{i}].year must be between 1900 and 2100")));
        }
    }
    Ok(())
}

/// A target job as submitted for creation: its own text, or an opening's (and then no
/// text of its own).
pub fn candidate_job(req: &v1::CreateCandidateJobRequest) -> Result<()> {
    positive_id("candidate_id", req.candidate_id)?;
    match req.opening_id {
        Some(opening_id) => {
            positive_id("opening_id", opening_id)?;
            if !req.title.is_empty() || req.company.is_some() || !req.description.is_empty() {
                return Err(invalid("give either opening_id or title, company and description, not both".into()));
            }
            Ok(())
        }
        None => target_text(&req.title, req.company.as_deref(), &req.description),
    }
}

/// An opening as submitted for creation or as a replacement.
pub fn opening(o: &v1::Opening) -> Result<()> {
    required("title", &o.title, 200)?;
    required("company", &o.company, 200)?;
    required("description", &o.description, 20_000)?;
    required("location", &o.location, 200)?;
    o.url.as_deref().map_or(Ok(()), |value| url("url", value))
}

/// A batch id in a request: a UUID, like a job id.
pub fn batch_id(value: &str) -> Result<String> {
    job_id(value).map_err(|_| invalid("batch_id must be a UUID".into()))
}

/// A target job's replacement text: the same rules as a new one's.
pub fn candidate_job_update(req: &v1::UpdateCandidateJobRequest) -> Result<()> {
    positive_id("candidate_id", req.candidate_id)?;
    positive_id("job_row_id", req.id)?;
    target_text(&req.title, req.company.as_deref(), &req.description)
}

/// What a target job says: its title, company and description.
fn target_text(title: &str, company: Option<&str>, description: &str) -> Result<()> {
    required("title", title, 200)?;
    optional("company", company, 200)?;
    required("description", description, 20_000)
}

/// A database id in a request.
pub fn positive_id(field: &str, id: i64) -> Result<()> {
    if id <= 0 {
        return Err(invalid(format!("{field} must be a positive integer")));
    }
    Ok(())
}

/// A job id in a request: a hyphenated UUID (as the API gives them), returned in its
/// canonical (lower-case) form.
pub fn job_id(value: &str) -> Result<String> {
    uuid::Uuid::try_parse(value)
        .ok()
        .filter(|_| value.len() == 36)
        .map(|id| id.hyphenated().to_string())
        .ok_or_else(|| invalid("job_id must be a UUID".into()))
}

/// `file_type`: `"word"` (also when absent) or `"pdf"`.
pub fn file_type(value: Option<&str>) -> Result<FileType> {
    value.map_or(Ok(FileType::Word), |v| v.parse().map_err(invalid))
}

/// `document`: `"resume"` (also when absent) or `"cover_letter"`.
pub fn document(value: Option<&str>) -> Result<Document> {
    value.map_or(Ok(Document::Resume), |v| v.parse().map_err(invalid))
}

/// `priority`: `"default"` (also when absent) or `"high"`.
pub fn priority(value: Option<&str>) -> Result<Priority> {
    value.map_or(Ok(Priority::Default), |v| v.parse().map_err(invalid))
}

/// A time in a request: `None` when absent, INVALID_ARGUMENT naming `field` when it is
/// out of range.
pub fn time(field: &str, value: Option<prost_types::Timestamp>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    value
        .map(|t| resume_proto::time::from_timestamp(&t).ok_or_else(|| invalid(format!("{field} is out of range"))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> v1::Candidate {
        v1::Candidate {
            full_name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into()),
            links: vec![v1::Link { label: "GitHub".into(), url: "https://github.com/ada".into() }],
            skills: vec!["Rust".into()],
            experience: vec![v1::Experience {
                company: "Engines Ltd".into(),
                title: "Programmer".into(),
                start: "2020-01".into(),
                end: Some("2021".into()),
                highlights: vec!["Wrote the first program".into()],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn message(c: &v1::Candidate) -> String {
        match candidate(c) {
            Err(Error::InvalidArgument(msg)) => msg,
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_candidate_passes() {
        candidate(&ada()).unwrap();
    }

    #[test]
    fn errors_name_the_field() {
        let mut c = ada();
        c.full_name = "  ".into();
        assert_eq!(message(&c), "full_name is required");

        let mut c = ada();
        c.experience[0].highlights[0] = "Wrote\u{0} it".into();
        assert_eq!(message(&c), "experience[0].highlights[0] must not contain control characters");
        let mut c = ada();
        c.email = Some("ada\u{7}@example.com".into());
        assert_eq!(message(&c), "email must be an address like name@example.com");
        let mut c = ada();
        c.summary = Some("Two lines,\r\n\tand a tab.".into());
        candidate(&c).unwrap();

        let mut c = ada();
        c.experience[0].start = "Jan 2020".into();
        assert_eq!(message(&c), "experience[0].start must be \"YYYY\" or \"YYYY-MM\"");

        let mut c = ada();
        c.experience[0].end = Some("2019".into());
        assert_eq!(message(&c), "experience[0].end must not be before experience[0].start");

        let mut c = ada();
        c.links[0].url = "javascript:alert(1)".into();
        assert_eq!(message(&c), "links[0].url must be an http:// or https:// URL");

        let mut c = ada();
        c.email = Some("not-an-email".into());
        assert!(message(&c).starts_with("email "));

        let mut c = ada();
        c.skills = vec!["x".into(); 101];
        assert_eq!(message(&c), "skills must have at most 100 entries");
    }

    #[test]
    fn enums_and_ids() {
        assert_eq!(file_type(None).unwrap(), FileType::Word);
        assert_eq!(file_type(Some("pdf")).unwrap(), FileType::Pdf);
        assert_eq!(
            file_type(Some("docx")).unwrap_err().to_string(),
            "file_type must be \"word\", \"pdf\", \"text\" or \"markdown\""
        );
        assert!(file_type(Some("docx")).is_err());
        assert!(file_type(Some("")).is_err(), "empty is not absent");
        assert_eq!(priority(None).unwrap(), Priority::Default);
        assert_eq!(priority(Some("high")).unwrap(), Priority::High);
        assert!(priority(Some("urgent")).is_err());
        assert!(priority(Some("")).is_err());
        assert!(job_id("nope").is_err());
        let id = uuid::Uuid::now_v7();
        assert_eq!(job_id(&id.to_string().to_uppercase()).unwrap(), id.to_string());
        // Only the form the API gives out (the document states it as a pattern).
        assert!(job_id(&id.simple().to_string()).is_err());
        assert!(job_id(&id.urn().to_string()).is_err());
        assert!(positive_id("candidate_id", 0).is_err());
    }

    #[test]
    fn an_edited_target_job_is_checked_like_a_new_one() {
        let new = v1::CreateCandidateJobRequest {
            candidate_id: 1,
            title: "Engineer".into(),
            company: Some("x".repeat(201)),
            description: "Build things".into(),
            opening_id: None,
        };
        let edit = v1::UpdateCandidateJobRequest {
            candidate_id: 1,
            id: 2,
            title: new.title.clone(),
            company: new.company.clone(),
            description: new.description.clone(),
        };
        let message = "company must be at most 200 characters";
        assert_eq!(candidate_job(&new).unwrap_err().to_string(), message);
        assert_eq!(candidate_job_update(&edit).unwrap_err().to_string(), message);
        let edit = v1::UpdateCandidateJobRequest { company: None, title: " ".into(), ..edit };
        assert_eq!(candidate_job_update(&edit).unwrap_err().to_string(), "title is required");
        let edit = v1::UpdateCandidateJobRequest { title: "Engineer".into(), id: 0, ..edit };
        assert_eq!(candidate_job_update(&edit).unwrap_err().to_string(), "job_row_id must be a positive integer");
    }

    #[test]
    fn a_target_job_is_an_openings_or_its_own_text_not_both() {
        let pointing = v1::CreateCandidateJobRequest { candidate_id: 1, opening_id: Some(3), ..Default::default() };
        candidate_job(&pointing).unwrap();
        let both = v1::CreateCandidateJobRequest { title: "Engineer".into(), ..pointing.clone() };
        assert!(candidate_job(&both).unwrap_err().to_string().starts_with("give either opening_id or title"));
        let bad = v1::CreateCandidateJobRequest { opening_id: Some(0), ..pointing };
        assert_eq!(candidate_job(&bad).unwrap_err().to_string(), "opening_id must be a positive integer");
    }

    #[test]
    fn an_opening_needs_its_text_and_a_web_url() {
        let opening = v1::Opening {
            title: "Engineer".into(),
            company: "Initech".into(),
            description: "Build things".into(),
            location: "Berlin".into(),
            url: Some("https://example.com/jobs/1".into()),
            ..Default::default()
        };
        self::opening(&opening).unwrap();
        let no_location = v1::Opening { location: " ".into(), ..opening.clone() };
        assert_eq!(self::opening(&no_location).unwrap_err().to_string(), "location is required");
        let bad_url = v1::Opening { url: Some("ftp://x".into()), ..opening };
        assert_eq!(self::opening(&bad_url).unwrap_err().to_string(), "url must be an http:// or https:// URL");
    }
}
