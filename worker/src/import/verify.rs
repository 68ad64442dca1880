//! Never invent: every fact of a draft read from free text (by the model or the offline
//! parser) must be found in that text, compared after normalisation (spacing, case,
//! dashes, ligatures). What is not is dropped, and each drop is a warning naming the field.

use std::collections::HashSet;

use resume_proto::v1;

use super::{
    Warning,
    dates::{self, When},
    extract::normalise,
};

/// The source text, ready to be searched.
pub struct Source {
    text: String,
    /// The text with every character that is not a letter or a digit removed: where a
    /// phone number's digits are looked for.
    digits: String,
    /// Every date the text names, as `YYYY` and `YYYY-MM`.
    dates: HashSet<String>,
}

impl Source {
    pub fn new(text: &str) -> Source {
        let mut found = HashSet::new();
        for line in text.lines() {
            for date in dates::find(line) {
                if let When::Date(date) = date.when {
                    found.insert(date[..4].to_owned());
                    found.insert(date);
                }
            }
        }
        Source { text: normalise(text), digits: text.chars().filter(char::is_ascii_digit).collect(), dates: found }
    }

    fn has(&self, value: &str) -> bool {
        let value = normalise(value);
        value.is_empty() || self.text.contains(&value)
    }

    fn has_date(&self, date: &str) -> bool {
        self.dates.contains(date)
    }
}

/// Checks `candidate` against `source`, dropping what is not in it.
pub fn keep_found(candidate: &mut v1::Candidate, source: &Source, warnings: &mut Vec<Warning>) {
    let mut dropped = |field: String, what: &str, value: &str| {
        warnings.push(Warning::new(&field, &format!("{what} \"{value}\" is not in the file, so it was left out")));
    };
    for (field, value) in [("full_name", &mut candidate.full_name)] {
        if !source.has(value) {
            dropped(field.into(), "the name", value);
            value.clear();
        }
    }
    let optional = [
        ("email", &mut candidate.email),
        ("location", &mut candidate.location),
        ("headline", &mut candidate.headline),
        ("summary", &mut candidate.summary),
    ];
    for (field, value) in optional {
        if let Some(text) = value.as_deref()
            && !source.has(text)
        {
            dropped(field.into(), field, text);
            *value = None;
        }
    }
    if let Some(phone) = candidate.phone.as_deref() {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() || !source.digits.contains(&digits) {
            dropped("phone".into(), "the phone number", phone);
            candidate.phone = None;
        }
    }
    candidate.links.retain(|link| {
        let bare = link.url.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
        let found = source.has(bare.trim_end_matches('/'));
        if !found {
            warnings.push(Warning::new(
                "links",
                &format!("the link \"{}\" is not in the file, so it was left out", link.url),
            ));
        }
        found
    });
    candidate.skills.retain(|skill| {
        let found = source.has(skill);
        if !found {
            warnings
                .push(Warning::new("skills", &format!("the skill \"{skill}\" is not in the file, so it was left out")));
        }
        found
    });
    let mut roles = Vec::new();
    for (i, mut role) in std::mem::take(&mut candidate.experience).into_iter().enumerate() {
        let at = |field: &str| format!("experience[{i}].{field}");
        let missing = [("company", "the employer", &role.company), ("title", "the title", &role.title)]
            .into_iter()
            .find(|(_, _, value)| !source.has(value));
        if let Some((field, what, value)) = missing {
            warnings.push(Warning::new(
                &at(field),
                &format!(
                    "{what} \"{value}\" is not in the file, so this role ({} at {}) was left out",
                    role.title, role.company
                ),
            ));
            continue;
        }
        if let Some(location) = role.location.as_deref()
            && !source.has(location)
        {
            warnings.push(Warning::new(
                &at("location"),
                &format!("the location \"{location}\" is not in the file, so it was left out"),
            ));
            role.location = None;
        }
        if !role.start.is_empty() && !source.has_date(&role.start) {
            warnings
                .push(Warning::new(&at("start"), &format!("the date {} is not in the file: fill it in", role.start)));
            role.start.clear();
        }
        if let Some(end) = role.end.as_deref()
            && !source.has_date(end)
        {
            warnings.push(Warning::new(&at("end"), &format!("the date {end} is not in the file: fill it in")));
            role.end = None;
        }
        let before = role.highlights.len();
        role.highlights.retain(|h| source.has(h));
        if role.highlights.len() < before {
            warnings.push(Warning::new(
                &at("highlights"),
                &format!("{} bullet(s) not found in the file were left out", before - role.highlights.len()),
            ));
        }
        roles.push(role);
    }
    candidate.experience = roles;
    let mut studies = Vec::new();
    for (i, mut study) in std::mem::take(&mut candidate.education).into_iter().enumerate() {
        let at = |field: &str| format!("education[{i}].{field}");
        if !source.has(&study.institution) {
            warnings.push(Warning::new(
                &at("institution"),
                &format!("the school \"{}\" is not in the file, so this entry was left out", study.institution),
            ));
            continue;
        }
        for (field, value) in [("degree", &mut study.degree), ("field", &mut study.field)] {
            if let Some(text) = value.as_deref()
                && !source.has(text)
            {
                warnings.push(Warning::new(&at(field), &format!("\"{text}\" is not in the file, so it was left out")));
                *value = None;
            }
        }
        for (field, value) in [("start", &mut study.start), ("end", &mut study.end)] {
            if let Some(date) = value.as_deref()
                && !source.has_date(date)
            {
                warnings.push(Warning::new(&at(field), &format!("the date {date} is not in the file: fill it in")));
                *value = None;
            }
        }
        studies.push(study);
    }
    candidate.education = studies;
    let mut certifications = Vec::new();
    for (i, mut cert) in std::mem::take(&mut candidate.certifications).into_iter().enumerate() {
        let at = |field: &str| format!("certifications[{i}].{field}");
        if !source.has(&cert.name) {
            warnings.push(Warning::new(
                &at("name"),
                &format!("the certification \"{}\" is not in the file, so it was left out", cert.name),
            ));
            continue;
        }
        if let Some(issuer) = cert.issuer.as_deref()
            && !source.has(issuer)
        {
            warnings.push(Warning::new(
                &at("issuer"),
                &format!("the issuer \"{issuer}\" is not in the file, so it was left out"),
            ));
            cert.issuer = None;
        }
        if let Some(year) = cert.year
            && !source.has_date(&year.to_string())
        {
            warnings.push(Warning::new(&at("year"), &format!("the year {year} is not in the file: fill it in")));
            cert.year = None;
        }
        certifications.push(cert);
    }
    candidate.certifications = certifications;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invented_employer_is_dropped_and_said() {
        let source =
            Source::new("Ada Lovelace\nEngineer, Analytical Engines · Jan 2020 – Present\n- Wrote the ﬁrst program");
        let role = |company: &str| v1::Experience {
            company: company.into(),
            title: "Engineer".into(),
            start: "2020-01".into(),
            highlights: vec!["Wrote the first program".into()],
            ..Default::default()
        };
        let mut candidate = v1::Candidate {
            full_name: "Ada Lovelace".into(),
            experience: vec![role("Analytical Engines"), role("Google")],
            ..Default::default()
        };
        let mut warnings = Vec::new();
        keep_found(&mut candidate, &source, &mut warnings);
        assert_eq!(candidate.experience.len(), 1);
        assert_eq!(candidate.experience[0].highlights.len(), 1, "a ligature in the file still matches");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].field, "experience[1].company");
        assert!(warnings[0].message.contains("\"Google\" is not in the file"), "{}", warnings[0].message);
    }

    #[test]
    fn dates_must_be_the_files() {
        let source = Source::new("Engineer, Acme · 2019 – 2021");
        let mut candidate = v1::Candidate {
            experience: vec![v1::Experience {
                company: "Acme".into(),
                title: "Engineer".into(),
                start: "2018".into(),
                end: Some("2021".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut warnings = Vec::new();
        keep_found(&mut candidate, &source, &mut warnings);
        assert_eq!(
            (candidate.experience[0].start.as_str(), candidate.experience[0].end.as_deref()),
            ("", Some("2021"))
        );
        assert_eq!(warnings[0].field, "experience[0].start");
        // A month written as numbers after the employer's name is the file's too.
        let source = Source::new("Analyst, Eurobank 2019-01 – Present");
        assert!(source.has_date("2019-01") && source.has_date("2019"));
    }
}
