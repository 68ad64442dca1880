//! The formats read exactly, without a model: a JSON Resume document (schema v1) and a
//! LinkedIn "Get a copy of your data" export (a ZIP of CSV files). Every field lands where
//! the Candidate keeps it; dates become `YYYY` / `YYYY-MM`.

use std::collections::HashMap;

use resume_proto::{text, v1};
use serde_json::Value;

use super::{
    ImportError, Warning,
    dates::{self, When},
    extract,
};

/// A date as JSON Resume (ISO 8601: `2014-06-29`, `2014-06`, `2014`) or LinkedIn (`Mar
/// 2021`, `2021`) writes it; `None` for none or "Present".
fn date(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some((year, rest)) = text.split_once('-')
        && year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
    {
        let month: u32 = rest.get(..2)?.parse().ok().filter(|m| (1..=12).contains(m))?;
        return Some(format!("{year}-{month:02}"));
    }
    dates::find(text).into_iter().find_map(|found| match found.when {
        When::Date(date) => Some(date),
        When::Now => None,
    })
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        })
        .unwrap_or_default()
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// A JSON Resume document (jsonresume.org schema v1).
pub fn json_resume(name: &str, data: &[u8]) -> Result<(v1::Candidate, Vec<Warning>), ImportError> {
    let mut doc: Value = serde_json::from_slice(data)
        .map_err(|e| ImportError::Unreadable(format!("{name} is not valid JSON (line {}): {e}", e.line())))?;
    // What is saved may hold no control character: none is read (before a value is found
    // blank or not).
    text::printable_json(&mut doc);
    let basics = doc.get("basics").filter(|b| b.is_object()).ok_or_else(|| {
        ImportError::Unreadable(format!(
            "{name} is not a JSON Resume: it has no \"basics\" object (see jsonresume.org/schema)"
        ))
    })?;
    let location = basics
        .get("location")
        .map(|l| ["city", "region", "countryCode"].iter().filter_map(|k| string(l, k)).collect::<Vec<_>>().join(", "));
    let mut links: Vec<v1::Link> =
        string(basics, "url").map(|url| v1::Link { label: "Website".into(), url }).into_iter().collect();
    links.extend(array(basics, "profiles").iter().filter_map(|p| {
        Some(v1::Link { label: string(p, "network").unwrap_or_else(|| "Profile".into()), url: string(p, "url")? })
    }));
    let experience = array(&doc, "work")
        .iter()
        .chain(array(&doc, "volunteer"))
        .map(|w| {
            let mut highlights = strings(w, "highlights");
            if highlights.is_empty()
                && let Some(summary) = string(w, "summary")
            {
                highlights.push(summary);
            }
            v1::Experience {
                company: string(w, "name").or_else(|| string(w, "organization")).unwrap_or_default(),
                title: string(w, "position").unwrap_or_default(),
                location: string(w, "location"),
                start: string(w, "startDate").and_then(|d| date(&d)).unwrap_or_default(),
                end: string(w, "endDate").and_then(|d| date(&d)),
                highlights,
            }
        })
        .collect();
    let education = array(&doc, "education")
        .iter()
        .map(|e| v1::Education {
            institution: string(e, "institution").unwrap_or_default(),
            degree: string(e, "studyType"),
            field: string(e, "area"),
            start: string(e, "startDate").and_then(|d| date(&d)),
            end: string(e, "endDate").and_then(|d| date(&d)),
        })
        .collect();
    let mut skills = Vec::new();
    for skill in array(&doc, "skills") {
        let keywords = strings(skill, "keywords");
        if keywords.is_empty() {
            skills.extend(string(skill, "name"));
        } else {
            skills.extend(keywords);
        }
    }
    let certifications = array(&doc, "certificates")
        .iter()
        .map(|c| v1::Certification {
            name: string(c, "name").unwrap_or_default(),
            issuer: string(c, "issuer"),
            year: string(c, "date").and_then(|d| date(&d)).and_then(|d| d[..4].parse().ok()),
        })
        .collect();
    let candidate = v1::Candidate {
        full_name: string(basics, "name").unwrap_or_default(),
        email: string(basics, "email"),
        phone: string(basics, "phone"),
        location: location.filter(|l| !l.is_empty()),
        headline: string(basics, "label"),
        summary: string(basics, "summary"),
        links,
        skills,
        experience,
        education,
        certifications,
        ..Default::default()
    };
    Ok(with_checks(candidate))
}

/// The files of a LinkedIn export this reads; a ZIP with neither of the first two is not one.
const LINKEDIN: [&str; 7] = [
    "Profile.csv",
    "Positions.csv",
    "Education.csv",
    "Skills.csv",
    "Certifications.csv",
    "Email Addresses.csv",
    "PhoneNumbers.csv",
];

/// One CSV of an export as rows of named columns (LinkedIn puts notes above some headers:
/// the header is the first line that names `key`).
fn rows(data: &[u8], key: &str) -> Vec<HashMap<String, String>> {
    let text = String::from_utf8_lossy(data);
    let text = text.trim_start_matches('\u{feff}');
    let start = text.lines().position(|line| line.contains(key)).unwrap_or(0);
    let body: String = text.lines().skip(start).collect::<Vec<_>>().join("\n");
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body.as_bytes());
    let Ok(headers) = reader.headers().cloned() else { return Vec::new() };
    reader
        .records()
        .filter_map(Result::ok)
        .map(|record| {
            let cell = |v: &str| text::printable(v).trim().to_owned();
            headers.iter().zip(record.iter()).map(|(h, v)| (cell(h), cell(v))).collect()
        })
        .collect()
}

fn field(row: &HashMap<String, String>, key: &str) -> Option<String> {
    row.get(key).filter(|v| !v.is_empty()).cloned()
}

/// A LinkedIn data export.
pub fn linkedin(name: &str, data: &[u8]) -> Result<(v1::Candidate, Vec<Warning>), ImportError> {
    let mut archive = extract::zip(name, data)?;
    // Files are found by name wherever the export put them (at its root, or in a folder).
    let paths: HashMap<String, String> = archive
        .file_names()
        .map(|path| (path.rsplit('/').next().unwrap_or(path).to_owned(), path.to_owned()))
        .collect();
    if !paths.contains_key("Profile.csv") && !paths.contains_key("Positions.csv") {
        let found: Vec<&str> = paths.keys().map(String::as_str).filter(|n| !n.is_empty()).take(5).collect();
        return Err(ImportError::Unreadable(format!(
            "{name} is not a LinkedIn data export: it has no Profile.csv or Positions.csv (an export holds {}; this ZIP holds {})",
            LINKEDIN.join(", "),
            if found.is_empty() { "nothing".to_owned() } else { found.join(", ") }
        )));
    }
    let mut read = |file: &str, key: &str| -> Result<Vec<HashMap<String, String>>, ImportError> {
        match paths.get(file) {
            Some(path) => {
                Ok(extract::entry(name, &mut archive, path)?.map(|bytes| rows(&bytes, key)).unwrap_or_default())
            }
            None => Ok(Vec::new()),
        }
    };
    let profile = read("Profile.csv", "First Name")?.into_iter().next().unwrap_or_default();
    let full_name = [field(&profile, "First Name"), field(&profile, "Last Name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let links = field(&profile, "Websites")
        .map(|sites| {
            sites
                .split(',')
                .filter_map(|site| {
                    // LinkedIn writes "[PORTFOLIO:https://…]".
                    let site = site.trim().trim_matches(['[', ']']);
                    let (label, url) =
                        site.split_once(':').filter(|(l, _)| !l.starts_with("http")).unwrap_or(("Website", site));
                    url.starts_with("http").then(|| v1::Link { label: title_case(label), url: url.to_owned() })
                })
                .collect()
        })
        .unwrap_or_default();
    let experience = read("Positions.csv", "Company Name")?
        .iter()
        .map(|row| v1::Experience {
            company: field(row, "Company Name").unwrap_or_default(),
            title: field(row, "Title").unwrap_or_default(),
            location: field(row, "Location"),
            start: field(row, "Started On").and_then(|d| date(&d)).unwrap_or_default(),
            end: field(row, "Finished On").and_then(|d| date(&d)),
            highlights: field(row, "Description").map(|d| lines_of(&d)).unwrap_or_default(),
        })
        .collect();
    let education = read("Education.csv", "School Name")?
        .iter()
        .map(|row| v1::Education {
            institution: field(row, "School Name").unwrap_or_default(),
            degree: field(row, "Degree Name"),
            field: field(row, "Notes").filter(|n| n.chars().count() <= 100),
            start: field(row, "Start Date").and_then(|d| date(&d)),
            end: field(row, "End Date").and_then(|d| date(&d)),
        })
        .collect();
    let skills = read("Skills.csv", "Name")?.iter().filter_map(|row| field(row, "Name")).collect();
    let certifications = read("Certifications.csv", "Name")?
        .iter()
        .map(|row| v1::Certification {
            name: field(row, "Name").unwrap_or_default(),
            issuer: field(row, "Authority"),
            year: field(row, "Started On").and_then(|d| date(&d)).and_then(|d| d[..4].parse().ok()),
        })
        .collect();
    let emails = read("Email Addresses.csv", "Email Address")?;
    let email = emails
        .iter()
        .find(|row| field(row, "Primary").is_some_and(|p| p.eq_ignore_ascii_case("yes")))
        .or(emails.first())
        .and_then(|row| field(row, "Email Address"));
    let phone = read("PhoneNumbers.csv", "Number")?.first().and_then(|row| field(row, "Number"));
    let candidate = v1::Candidate {
        full_name,
        email,
        phone,
        location: field(&profile, "Geo Location"),
        headline: field(&profile, "Headline"),
        summary: field(&profile, "Summary"),
        links,
        skills,
        experience,
        education,
        certifications,
        ..Default::default()
    };
    Ok(with_checks(candidate))
}

/// A description's lines as bullets (their markers dropped).
fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches(['•', '-', '*', '–', '·']).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn title_case(word: &str) -> String {
    let lower = word.trim().to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The candidate, with a warning for each required field the source left empty.
fn with_checks(candidate: v1::Candidate) -> (v1::Candidate, Vec<Warning>) {
    let mut warnings = Vec::new();
    if candidate.full_name.is_empty() {
        warnings.push(Warning::new("full_name", "no name was found in the file: fill it in"));
    }
    for (i, role) in candidate.experience.iter().enumerate() {
        if role.start.is_empty() {
            warnings.push(Warning::new(&format!("experience[{i}].start"), "no start date was found: fill it in"));
        }
    }
    (candidate, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_both_formats() {
        assert_eq!(date("2014-06-29").as_deref(), Some("2014-06"));
        assert_eq!(date("2014").as_deref(), Some("2014"));
        assert_eq!(date("Mar 2021").as_deref(), Some("2021-03"));
        assert_eq!(date("Present"), None);
    }

    #[test]
    fn linkedin_notes_above_the_header_are_skipped() {
        let csv = "Notes:\n\"Some notes, with a comma\"\n\nFirst Name,Last Name,Headline\nAda,Lovelace,Engineer\n";
        let rows = rows(csv.as_bytes(), "First Name");
        assert_eq!(rows[0]["Last Name"], "Lovelace");
    }
}
