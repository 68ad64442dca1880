//! Cover letters: the offline generator's factual letter, the model call's reply read and
//! held to the fact rule, and the letter as the renderers show it.
//!
//! The fact rule ([`resume_proto::facts`]): every name and number a letter carries must be
//! in the candidate's data, or the target job's title and company (the addressee). A
//! sentence of the model's that breaks it is removed, and each removal is a repair
//! ([`RepairKind::LetterFact`]); a greeting or closing that breaks it, or is empty or too
//! long, is replaced by the offline letter's, and paragraphs past four are dropped
//! ([`RepairKind::LetterPart`]). A letter is always signed by the candidate: the signature
//! is ours, never the model's. Only a reply without a list of paragraphs is unusable.

use std::collections::HashSet;

use resume_proto::{facts, v1};
use serde::Serialize;
use serde_json::{Value, json};

use super::{
    Contact,
    offline::{keywords, non_blank, period, words},
    reply::{self, Repair, RepairKind, Unusable},
};

/// The most paragraphs a letter has; the schema asks for three or four.
pub const MAX_PARAGRAPHS: usize = 4;
/// The longest greeting or closing kept.
const MAX_LINE_CHARS: usize = 200;
/// How many skills the offline letter names.
const SKILLS_NAMED: usize = 5;

/// The letter call's reply, as far as it has the schema's shape.
#[derive(Debug, Default)]
pub struct LetterReply {
    pub greeting: Option<String>,
    pub paragraphs: Vec<String>,
    pub closing: Option<String>,
}

/// Reads the letter call's reply: an object with a list of paragraphs (strings).
pub fn parse(content: &str) -> Result<LetterReply, Unusable> {
    let value = reply::json(content)?;
    let paragraphs = value
        .get("paragraphs")
        .and_then(Value::as_array)
        .and_then(|items| items.iter().map(|p| p.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
        .ok_or_else(|| Unusable("the letter reply has no list of paragraphs".into()))?;
    let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
    Ok(LetterReply { greeting: text("greeting"), paragraphs, closing: text("closing") })
}

/// The letter call's strict schema: greeting, three or four paragraphs, closing, signature.
pub fn schema() -> Value {
    let text = |description: &str| json!({"type": "string", "description": description});
    json!({
        "type": "object",
        "properties": {
            "greeting": text("The salutation, addressed to the target company's hiring team, e.g. \"Dear Hiring Team at X,\"."),
            "paragraphs": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": MAX_PARAGRAPHS,
                "description": "Three or four paragraphs: why this role, the most relevant experience, the matching skills, a close."},
            "closing": text("The closing phrase, e.g. \"Kind regards,\"."),
            "signature": text("An empty string: the candidate's signature is added for you."),
        },
        "required": ["greeting", "paragraphs", "closing", "signature"],
        "additionalProperties": false,
    })
}

/// The model's letter held to the fact rule, signed by `signer`, with every repair made;
/// `fallback` (the offline letter) gives what had to be replaced.
pub fn checked(
    known: &facts::Known,
    reply: LetterReply,
    fallback: v1::CoverLetterContent,
    signer: &str,
) -> (v1::CoverLetterContent, Vec<Repair>) {
    let mut repairs = Vec::new();
    let mut line = |text: Option<String>, own: String, part: &str| match text.as_deref().map(str::trim) {
        Some(text)
            if !text.is_empty() && text.chars().count() <= MAX_LINE_CHARS && known.first_unknown_in(text).is_none() =>
        {
            text.to_owned()
        }
        other => {
            let why =
                other.and_then(|t| known.first_unknown_in(t)).map_or("empty or too long".to_owned(), |u| u.to_string());
            repairs.push(Repair::new(RepairKind::LetterPart, format!("{part}: {why}")));
            own
        }
    };
    let greeting = line(reply.greeting, fallback.greeting, "greeting");
    let closing = line(reply.closing, fallback.closing, "closing");
    let mut paragraphs = Vec::new();
    for (i, paragraph) in reply.paragraphs.iter().enumerate() {
        let (kept, dropped) = known.known_sentences(paragraph);
        let named = |unknown| Repair::new(RepairKind::LetterFact, format!("paragraph {}: names {unknown}", i + 1));
        repairs.extend(dropped.into_iter().map(named));
        if !kept.is_empty() {
            paragraphs.push(kept);
        }
    }
    if paragraphs.len() > MAX_PARAGRAPHS {
        repairs.push(Repair::new(RepairKind::LetterPart, format!("{} paragraphs", paragraphs.len())));
        paragraphs.truncate(MAX_PARAGRAPHS);
    }
    if paragraphs.is_empty() {
        repairs.push(Repair::new(RepairKind::LetterPart, "no paragraph left: the offline letter's are shown"));
        paragraphs = fallback.paragraphs;
    }
    let letter = v1::CoverLetterContent { greeting, paragraphs, closing, signature: signer.to_owned() };
    (letter, repairs)
}

/// The offline generator's letter: an opening naming the target's title and company (a
/// general one without a target), the most recent roles with their own highlights, the
/// skills the posting shares, a close. Every fact in it is the candidate's or the
/// target's; it is signed by `signer`.
pub fn offline(candidate: &v1::Candidate, target: Option<&v1::CandidateJob>, signer: &str) -> v1::CoverLetterContent {
    let company = target.and_then(|t| non_blank(t.company.as_deref()));
    let title = target.and_then(|t| non_blank(Some(&t.title)));
    let greeting = match &company {
        Some(company) => format!("Dear {company} hiring team,"),
        None => "Dear hiring manager,".to_owned(),
    };
    let mut opening = match (&title, &company) {
        (Some(title), Some(company)) => format!("I am writing to apply for the {title} position at {company}."),
        (Some(title), None) => format!("I am writing to apply for the {title} position."),
        (None, _) => "I am writing to introduce myself for a role where my experience can help.".to_owned(),
    };
    if let Some(summary) = non_blank(candidate.summary.as_deref()) {
        opening.push_str(" In brief: ");
        opening.push_str(&sentence(&summary));
    }
    let mut paragraphs = vec![opening];
    paragraphs.extend(experience(candidate));
    paragraphs.push(skills_and_studies(candidate, target));
    paragraphs.push(match &company {
        Some(company) => format!(
            "I would welcome the chance to discuss how my experience could contribute to {company}. Thank you for your time and consideration."
        ),
        None => "I would welcome the chance to discuss how my experience could help your team. Thank you for your time and consideration.".to_owned(),
    });
    v1::CoverLetterContent { greeting, paragraphs, closing: "Kind regards,".to_owned(), signature: signer.to_owned() }
}

/// The paragraph on the two most recent roles: title, company, period, and the latest
/// role's first highlights as written.
fn experience(candidate: &v1::Candidate) -> Option<String> {
    let mut roles = candidate.experience.iter().filter(|r| !r.company.trim().is_empty());
    let latest = roles.next()?;
    let when = |role: &v1::Experience| period(Some(&role.start), role.end.as_deref()).map(|p| format!(" ({p})"));
    let verb = if latest.end.is_none() { "I work" } else { "I worked" };
    let mut out =
        format!("{verb} as {} at {}{}.", latest.title.trim(), latest.company.trim(), when(latest).unwrap_or_default());
    let highlights: Vec<String> =
        latest.highlights.iter().filter_map(|h| non_blank(Some(h))).take(2).map(|h| sentence(&h)).collect();
    if !highlights.is_empty() {
        out.push_str(" Highlights of that role: ");
        out.push_str(&highlights.join(" "));
    }
    if let Some(before) = roles.next() {
        out.push_str(&format!(
            " Before that, I was {} at {}{}.",
            before.title.trim(),
            before.company.trim(),
            when(before).unwrap_or_default()
        ));
    }
    Some(out)
}

/// The paragraph on skills (those the posting names first) and the first degree and
/// certification.
fn skills_and_studies(candidate: &v1::Candidate, target: Option<&v1::CandidateJob>) -> String {
    let wanted = target.map(keywords).unwrap_or_default();
    let mut seen = HashSet::new();
    let skills: Vec<&str> =
        candidate.skills.iter().map(|s| s.trim()).filter(|s| !s.is_empty() && seen.insert(s.to_lowercase())).collect();
    let shared: Vec<&str> = skills.iter().copied().filter(|s| words(s).any(|w| wanted.contains(&w))).collect();
    let mut out = if !shared.is_empty() {
        format!("The role asks for what I work with: {}.", listed(&shared[..shared.len().min(SKILLS_NAMED)]))
    } else if !skills.is_empty() {
        format!("My skills include {}.", listed(&skills[..skills.len().min(SKILLS_NAMED)]))
    } else {
        "I bring the experience described above.".to_owned()
    };
    if let Some(study) = candidate.education.iter().find(|e| !e.institution.trim().is_empty()) {
        let degree = [study.degree.as_deref(), study.field.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(" in ");
        out.push_str(&match degree.is_empty() {
            true => format!(" I studied at {}.", study.institution.trim()),
            false => format!(" I hold a {degree} from {}.", study.institution.trim()),
        });
    }
    if let Some(certification) = candidate.certifications.iter().find(|c| !c.name.trim().is_empty()) {
        out.push_str(&format!(" I also hold the {} certification.", certification.name.trim()));
    }
    out
}

/// "A", "A and B", "A, B and C".
fn listed(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What ends a sentence already, in the scripts candidates write in: Latin's, the danda of
/// Devanagari and Bengali, the ideographic and full-width stops of CJK, Arabic's and Urdu's.
const SENTENCE_ENDS: [char; 10] = ['.', '!', '?', '।', '॥', '。', '！', '？', '؟', '۔'];

/// `text` as a sentence: as it is when it ends like one, else with a `.`.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(SENTENCE_ENDS) { text.to_owned() } else { format!("{text}.") }
}

/// A letter as the renderers show it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Letter {
    /// The sender's name (the label when anonymised: it names the file).
    pub sender: String,
    /// Shown without a sender block: signed with the candidate's label only.
    pub anonymised: bool,
    /// The sender's contact line: empty when anonymised.
    pub contact: Vec<Contact>,
    /// Who it is addressed to: the target's company, when it names one.
    pub addressee: Option<String>,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub closing: String,
    pub signature: String,
}

#[cfg(test)]
mod tests;
