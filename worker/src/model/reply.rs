//! What a model's reply may change in a resume, and how an imperfect reply is repaired.
//!
//! The model writes wording and order only; every fact comes from the candidate's data
//! (the offline resume is the base). A reply that is usable but imperfect never fails a
//! job: what is usable is kept, the rest falls back to the candidate's own text, and each
//! repair is reported as a [`Repair`] (logged with the job id and counted by kind). A
//! reply is invalid only when nothing in it is usable: not JSON (read inside a Markdown
//! code fence when it is fenced), or not the schema's shape at all.
//!
//! Experience entries are merged by the role number the prompt gives each role, never by
//! position; the company and title they echo back must be the role's. The headline, the
//! summary's sentences and the bullets are held to the fact rule ([`facts`]): a headline or
//! summary sentence naming a name or number the candidate's data (or the target job's title
//! and company) lacks is dropped, and a role with such a bullet keeps the candidate's own
//! bullets ([`RepairKind::ResumeFact`]).

use std::collections::HashSet;

use resume_proto::{facts, v1};
use serde_json::Value;

/// The longest headline kept; a longer one falls back to the candidate's.
pub const MAX_HEADLINE_CHARS: usize = 200;
/// The longest summary kept; a longer one falls back to the candidate's.
pub const MAX_SUMMARY_CHARS: usize = 2000;
/// The longest bullet kept whole; a longer one is cut at a sentence or word boundary.
pub const MAX_BULLET_CHARS: usize = 500;
/// How many more bullets than the candidate wrote a role may get.
pub const EXTRA_BULLETS: usize = 2;

/// One kind of repair, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RepairKind {
    /// The headline was empty, too long or missing: the candidate's own is shown.
    Headline,
    /// The summary was empty, too long or missing: the candidate's own is shown.
    Summary,
    /// A skill the candidate does not have was dropped.
    SkillUnknown,
    /// A skill named twice was kept once.
    SkillDuplicate,
    /// A skill the reply left out was appended (the list is always the candidate's).
    SkillMissing,
    /// A role the reply lacked (or left without bullets) keeps the candidate's highlights.
    RoleMissing,
    /// An entry for a role number the prompt did not give was dropped.
    RoleUnknown,
    /// A second entry for one role was dropped.
    RoleDuplicate,
    /// An entry whose company or title is not its role's was dropped.
    RoleGarbled,
    /// Bullets written for a role that had none were dropped (they would be invented).
    BulletsInvented,
    /// Bullets beyond the allowed number were dropped (the first ones are kept).
    BulletsExtra,
    /// A bullet over [`MAX_BULLET_CHARS`] was cut.
    BulletCut,
    /// A headline or a summary's sentence naming a name or number the candidate's data
    /// lacks was dropped (an invented fact), what is left empty showing the candidate's own;
    /// or a role with such a bullet keeps the candidate's own bullets.
    ResumeFact,
    /// A sentence of a letter naming an employer, title, school, certification, number or
    /// year the candidate's data lacks was removed.
    LetterFact,
    /// A letter's greeting or closing was replaced by the offline letter's, paragraphs past
    /// four were dropped, or none was left and the offline letter's are shown.
    LetterPart,
}

impl RepairKind {
    /// Every kind, in the order `/metrics` lists them.
    pub const ALL: [RepairKind; 15] = [
        RepairKind::Headline,
        RepairKind::Summary,
        RepairKind::SkillUnknown,
        RepairKind::SkillDuplicate,
        RepairKind::SkillMissing,
        RepairKind::RoleMissing,
        RepairKind::RoleUnknown,
        RepairKind::RoleDuplicate,
        RepairKind::RoleGarbled,
        RepairKind::BulletsInvented,
        RepairKind::BulletsExtra,
        RepairKind::BulletCut,
        RepairKind::ResumeFact,
        RepairKind::LetterFact,
        RepairKind::LetterPart,
    ];

    /// The kind's name, as a metric label and in logs.
    pub fn name(self) -> &'static str {
        match self {
            RepairKind::Headline => "headline",
            RepairKind::Summary => "summary",
            RepairKind::SkillUnknown => "skill_unknown",
            RepairKind::SkillDuplicate => "skill_duplicate",
            RepairKind::SkillMissing => "skill_missing",
            RepairKind::RoleMissing => "role_missing",
            RepairKind::RoleUnknown => "role_unknown",
            RepairKind::RoleDuplicate => "role_duplicate",
            RepairKind::RoleGarbled => "role_garbled",
            RepairKind::BulletsInvented => "bullets_invented",
            RepairKind::BulletsExtra => "bullets_extra",
            RepairKind::BulletCut => "bullet_cut",
            RepairKind::ResumeFact => "resume_fact",
            RepairKind::LetterFact => "letter_fact",
            RepairKind::LetterPart => "letter_part",
        }
    }
}

/// One repair made to a reply: its kind and what it touched, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub kind: RepairKind,
    pub detail: String,
}

impl Repair {
    pub(super) fn new(kind: RepairKind, detail: impl Into<String>) -> Repair {
        Repair { kind, detail: detail.into() }
    }
}

/// Why a reply is unusable: nothing in it can be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unusable(pub String);

/// The key of the roles a main call writes too. A model writes a strict schema's properties
/// in the order they are sent, which is sorted (`headline`, `skills`, `summary`, then this):
/// the main sections come first, and can be shown before the roles are written.
pub const MAIN_ROLES: &str = "work";

/// The main sections' reply, as far as it has the schema's shape.
#[derive(Debug, Clone, Default)]
pub struct MainSections {
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub skills: Option<Vec<String>>,
    /// The experience entries of the roles the call wrote too (none when it wrote none, or
    /// when its `roles` is not a list: those roles then keep the candidate's own); the
    /// caller merges them with the experience calls' ([`merge`]'s `roles`).
    pub roles: Vec<RoleBullets>,
}

/// One experience entry of a reply.
#[derive(Debug, Clone, Default)]
pub struct RoleBullets {
    /// The role number the prompt gave (1-based); `None` when absent or not a number.
    pub role: Option<u64>,
    pub company: Option<String>,
    pub title: Option<String>,
    /// `None` when absent or not a list of strings.
    pub highlights: Option<Vec<String>>,
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|item| item.as_str().map(str::to_owned)).collect()
}

/// A reply's JSON text: the content, or what the first Markdown code fence in it holds (a
/// model or server that does not enforce the schema may fence it, with words around:
/// ```` Here it is: ```json … ``` ````).
pub fn unfenced(content: &str) -> &str {
    let text = content.trim();
    if text.starts_with(['{', '[']) {
        return text;
    }
    let Some((_, fenced)) = text.split_once("```") else {
        return text;
    };
    // The fence's first line may name the language.
    let inside = match fenced.split_once('\n') {
        Some((tag, rest)) if !tag.trim_start().starts_with(['{', '[']) => rest,
        _ => fenced,
    };
    inside.split("```").next().unwrap_or(inside).trim()
}

/// A reply read as JSON ([`unfenced`]), every string in it without control characters (a
/// reply is shown and rendered, and they are no text); unusable when it is not JSON.
pub fn json(content: &str) -> Result<Value, Unusable> {
    let mut value =
        serde_json::from_str(unfenced(content)).map_err(|e| Unusable(format!("the reply is not JSON: {e}")))?;
    resume_proto::text::printable_json(&mut value);
    Ok(value)
}

impl MainSections {
    /// Reads the main sections' reply: an object with at least one of its three fields in
    /// the schema's type; fields of another type count as missing.
    pub fn parse(content: &str) -> Result<MainSections, Unusable> {
        let value = json(content)?;
        let main = MainSections {
            headline: value.get("headline").and_then(Value::as_str).map(str::to_owned),
            summary: value.get("summary").and_then(Value::as_str).map(str::to_owned),
            skills: value.get("skills").and_then(strings),
            roles: entries(&value, MAIN_ROLES).unwrap_or_default(),
        };
        if main.headline.is_none() && main.summary.is_none() && main.skills.is_none() {
            return Err(Unusable("the main sections reply has none of headline, summary and skills".into()));
        }
        Ok(main)
    }

    /// The main sections of a main reply `streamed` as far as the key of its roles (the
    /// text before it, closed), when they read as such.
    pub fn before_roles(streamed: &str) -> Option<MainSections> {
        let at = streamed.find(&format!("\"{MAIN_ROLES}\""))?;
        let sections = format!("{}}}", streamed[..at].trim_end().trim_end_matches(','));
        MainSections::parse(&sections).ok()
    }
}

/// Reads the experience reply: an object whose `roles` is a list.
pub fn parse_roles(content: &str) -> Result<Vec<RoleBullets>, Unusable> {
    entries(&json(content)?, "roles").ok_or_else(|| Unusable("the experience reply has no list of roles".into()))
}

/// The entries of a reply's list under `key`, when it is a list.
fn entries(value: &Value, key: &str) -> Option<Vec<RoleBullets>> {
    let roles = value.get(key)?.as_array()?;
    Some(
        roles
            .iter()
            .map(|entry| RoleBullets {
                role: entry.get("role").and_then(Value::as_u64),
                company: entry.get("company").and_then(Value::as_str).map(str::to_owned),
                title: entry.get("title").and_then(Value::as_str).map(str::to_owned),
                highlights: entry.get("highlights").and_then(strings),
            })
            .collect(),
    )
}

/// The content: `base` (the candidate's facts and own text) with the reply's wording and
/// order where it is usable and names nothing the data of `candidate` and `target` lacks,
/// and every repair made on the way.
pub fn merge(
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    mut base: v1::ResumeContent,
    main: MainSections,
    roles: Vec<RoleBullets>,
) -> (v1::ResumeContent, Vec<Repair>) {
    let known = facts::Known::of(candidate, target);
    let mut repairs = Vec::new();
    let headline = kept_text(main.headline, MAX_HEADLINE_CHARS, RepairKind::Headline, &mut repairs);
    if let Some(headline) = headline.and_then(|h| factual(&known, &h, "headline", &mut repairs)) {
        base.headline = Some(headline);
    }
    let summary = kept_text(main.summary, MAX_SUMMARY_CHARS, RepairKind::Summary, &mut repairs);
    if let Some(summary) = summary.and_then(|s| factual(&known, &s, "summary", &mut repairs)) {
        base.summary = Some(summary);
    }
    base.skills = reordered(&candidate.skills, main.skills.as_deref().unwrap_or_default(), &mut repairs);

    let mut merged = vec![false; candidate.experience.len()];
    for entry in roles {
        let Some(index) = entry.role.and_then(|n| usize::try_from(n).ok()).and_then(|n| n.checked_sub(1)) else {
            repairs.push(Repair::new(RepairKind::RoleUnknown, "an entry without a role number"));
            continue;
        };
        let (Some(given), Some(role)) = (candidate.experience.get(index), base.experience.get_mut(index)) else {
            repairs.push(Repair::new(RepairKind::RoleUnknown, format!("role {}", index + 1)));
            continue;
        };
        let shown = index + 1;
        if merged[index] {
            repairs.push(Repair::new(RepairKind::RoleDuplicate, format!("role {shown}")));
            continue;
        }
        if !echoes(entry.company.as_deref(), &given.company) || !echoes(entry.title.as_deref(), &given.title) {
            repairs.push(Repair::new(RepairKind::RoleGarbled, format!("role {shown}: company or title not its own")));
            continue;
        }
        let mut highlights: Vec<String> = entry
            .highlights
            .unwrap_or_default()
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect();
        if given.highlights.is_empty() {
            if !highlights.is_empty() {
                repairs.push(Repair::new(RepairKind::BulletsInvented, format!("role {shown}: {}", highlights.len())));
            }
            merged[index] = true;
            continue;
        }
        if highlights.is_empty() {
            // Left as the candidate wrote it, below.
            continue;
        }
        merged[index] = true;
        // A bullet rewrites one of the candidate's: dropping it alone would lose that fact
        // too, so a role any of whose bullets invents something keeps the candidate's own.
        if let Some((i, unknown)) =
            highlights.iter().enumerate().find_map(|(i, bullet)| Some((i, known.first_unknown_in(bullet)?)))
        {
            repairs
                .push(Repair::new(RepairKind::ResumeFact, format!("role {shown}, bullet {}: names {unknown}", i + 1)));
            continue;
        }
        let allowed = given.highlights.len() + EXTRA_BULLETS;
        if highlights.len() > allowed {
            repairs.push(Repair::new(
                RepairKind::BulletsExtra,
                format!("role {shown}: {} of {} kept", allowed, highlights.len()),
            ));
            highlights.truncate(allowed);
        }
        for (i, bullet) in highlights.iter_mut().enumerate() {
            if bullet.chars().count() > MAX_BULLET_CHARS {
                *bullet = cut(bullet, MAX_BULLET_CHARS);
                repairs.push(Repair::new(RepairKind::BulletCut, format!("role {shown}, bullet {}", i + 1)));
            }
        }
        role.highlights = highlights;
    }
    for (index, given) in candidate.experience.iter().enumerate() {
        if !merged[index] && !given.highlights.is_empty() {
            repairs.push(Repair::new(RepairKind::RoleMissing, format!("role {}", index + 1)));
        }
    }
    (base, repairs)
}

/// The reply's text when it is non-empty and at most `limit` characters; otherwise a
/// repair (the caller keeps the candidate's own).
fn kept_text(text: Option<String>, limit: usize, kind: RepairKind, repairs: &mut Vec<Repair>) -> Option<String> {
    let reason = match text.as_deref().map(str::trim) {
        None => "missing".to_owned(),
        Some("") => "empty".to_owned(),
        Some(text) if text.chars().count() > limit => format!("{} characters", text.chars().count()),
        Some(text) => return Some(text.to_owned()),
    };
    repairs.push(Repair::new(kind, reason));
    None
}

/// The sentences of `text` (a headline, a summary) that name nothing `known` lacks, each
/// other one a repair; `None` when none is left (the candidate's own is shown).
fn factual(known: &facts::Known, text: &str, part: &str, repairs: &mut Vec<Repair>) -> Option<String> {
    let (kept, dropped) = known.known_sentences(text);
    repairs.extend(
        dropped.into_iter().map(|unknown| Repair::new(RepairKind::ResumeFact, format!("{part}: names {unknown}"))),
    );
    (!kept.is_empty()).then_some(kept)
}

/// Whether an echoed company or title names `own` (case, spacing and punctuation aside);
/// an empty or absent echo is no claim either way.
fn echoes(echo: Option<&str>, own: &str) -> bool {
    let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    match echo.map(letters) {
        None => true,
        Some(echo) => echo.is_empty() || echo == letters(own),
    }
}

/// `text` cut to at most `limit` characters: after its last whole sentence when that keeps
/// at least half, else at its last word boundary, marked with an ellipsis.
fn cut(text: &str, limit: usize) -> String {
    let head: String = text.chars().take(limit).collect();
    let sentence_end = head
        .char_indices()
        .rev()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && head[i + c.len_utf8()..].starts_with(' '));
    if let Some((i, c)) = sentence_end
        && head[..i].chars().count() >= limit / 2
    {
        return head[..i + c.len_utf8()].to_owned();
    }
    // One character is left for the ellipsis; a cut inside a word moves back to its start.
    let chars: Vec<char> = text.chars().collect();
    let room = (limit - 1).min(chars.len());
    let end = match chars.get(room) {
        Some(next) if !next.is_whitespace() => chars[..room].iter().rposition(|c| c.is_whitespace()).unwrap_or(room),
        _ => room,
    };
    let kept: String = chars[..end].iter().collect();
    format!("{}…", kept.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–')))
}

/// The candidate's skills in the model's order: unknown and repeated ones dropped,
/// forgotten ones appended, so the list is always exactly the candidate's.
fn reordered(skills: &[String], ordered: &[String], repairs: &mut Vec<Repair>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(skills.len());
    for name in ordered {
        let wanted = name.trim().to_lowercase();
        match skills.iter().find(|s| s.trim().to_lowercase() == wanted) {
            Some(skill) if seen.insert(skill.to_lowercase()) => out.push(skill.clone()),
            Some(_) => repairs.push(Repair::new(RepairKind::SkillDuplicate, name.clone())),
            None => repairs.push(Repair::new(RepairKind::SkillUnknown, name.clone())),
        }
    }
    for skill in skills {
        if seen.insert(skill.to_lowercase()) {
            out.push(skill.clone());
            repairs.push(Repair::new(RepairKind::SkillMissing, skill.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offline;

    fn role(company: &str, title: &str, highlights: &[&str]) -> v1::Experience {
        v1::Experience {
            company: company.into(),
            title: title.into(),
            start: "2020".into(),
            highlights: highlights.iter().map(|h| (*h).to_owned()).collect(),
            ..Default::default()
        }
    }

    fn candidate() -> v1::Candidate {
        v1::Candidate {
            full_name: "Ada".into(),
            headline: Some("Own headline".into()),
            summary: Some("Own summary.".into()),
            skills: vec!["Rust".into(), "SQL".into(), "Go".into()],
            experience: vec![
                role("Engines", "Programmer", &["Wrote code", "Fixed bugs"]),
                role("Looms", "Analyst", &["Read cards"]),
                role("Quiet Co", "Intern", &[]),
            ],
            ..Default::default()
        }
    }

    fn entry(role: u64, company: &str, title: &str, highlights: &[&str]) -> RoleBullets {
        RoleBullets {
            role: Some(role),
            company: Some(company.into()),
            title: Some(title.into()),
            highlights: Some(highlights.iter().map(|h| (*h).to_owned()).collect()),
        }
    }

    fn main(headline: &str) -> MainSections {
        MainSections {
            headline: Some(headline.into()),
            summary: Some("Model summary.".into()),
            skills: Some(vec!["SQL".into(), "Rust".into(), "Go".into()]),
            roles: Vec::new(),
        }
    }

    fn run(main: MainSections, roles: Vec<RoleBullets>) -> (v1::ResumeContent, Vec<RepairKind>) {
        let c = candidate();
        let (resume, repairs) = merge(&c, None, offline::content(&c, None), main, roles);
        (resume, repairs.into_iter().map(|r| r.kind).collect())
    }

    #[test]
    fn the_main_sections_read_before_the_roles_are_streamed() {
        let streamed = r#"{"headline": "H", "skills": ["Rust"], "summary": "A \"work\" of art.", "work": [{"role": 3"#;
        let main = MainSections::before_roles(streamed).expect("the sections are written");
        assert_eq!((main.headline.as_deref(), main.summary.as_deref()), (Some("H"), Some("A \"work\" of art.")));
        assert!(main.roles.is_empty());
        assert!(MainSections::before_roles(r#"{"headline": "H", "skills": ["Ru"#).is_none(), "not yet at the roles");
    }

    #[test]
    fn a_reply_has_no_control_characters() {
        let main =
            MainSections::parse(r#"{"headline": "Ada\u0007 Lovelace", "summary": "One\u0000 line.\nTwo."}"#).unwrap();
        assert_eq!(
            (main.headline.as_deref(), main.summary.as_deref()),
            (Some("Ada Lovelace"), Some("One line.\nTwo."))
        );
        let roles = parse_roles(r#"{"roles": [{"role": 1, "highlights": ["Wrote\u001b[0m it"]}]}"#).unwrap();
        assert_eq!(roles[0].highlights.as_deref(), Some(&["Wrote[0m it".to_owned()][..]));
    }

    #[test]
    fn what_names_a_fact_the_data_lacks_is_dropped() {
        let main = MainSections {
            headline: Some("Programmer and former Google lead".into()),
            summary: Some(
                "Writes Rust and SQL at Engines. Previously a Principal Engineer at Google, saving $12M in 2011."
                    .into(),
            ),
            ..main("")
        };
        let roles = vec![
            entry(1, "Engines", "Programmer", &["Wrote Rust code", "Fixed 40% of the bugs"]),
            entry(2, "Looms", "Analyst", &["Read cards for IBM"]),
        ];
        let (resume, repairs) = run(main, roles);
        assert_eq!(resume.headline.as_deref(), Some("Own headline"), "the candidate's own");
        assert_eq!(resume.summary.as_deref(), Some("Writes Rust and SQL at Engines."));
        assert_eq!(resume.experience[0].highlights, ["Wrote code", "Fixed bugs"], "the candidate's own, every one");
        assert_eq!(resume.experience[1].highlights, ["Read cards"]);
        assert_eq!(repairs.iter().filter(|k| **k == RepairKind::ResumeFact).count(), 4, "{repairs:?}");
        assert!(!repairs.contains(&RepairKind::RoleMissing), "{repairs:?}");
    }

    #[test]
    fn a_perfect_reply_needs_no_repair() {
        let roles = vec![
            entry(1, "Engines", "Programmer", &["Shipped code", "Fixed many bugs"]),
            entry(2, "Looms", "Analyst", &["Read punched cards"]),
            entry(3, "Quiet Co", "Intern", &[]),
        ];
        let (resume, repairs) = run(main("Model headline"), roles);
        assert_eq!(repairs, []);
        assert_eq!(resume.headline.as_deref(), Some("Model headline"));
        assert_eq!(resume.skills, ["SQL", "Rust", "Go"]);
        assert_eq!(resume.experience[0].highlights, ["Shipped code", "Fixed many bugs"]);
        assert_eq!(resume.experience[0].company, "Engines");
    }

    #[test]
    fn roles_are_merged_by_their_number_not_their_position() {
        let roles = vec![
            entry(2, "Looms", "Analyst", &["Read punched cards"]),
            entry(1, "engines", "PROGRAMMER", &["Shipped code"]),
        ];
        let (resume, repairs) = run(main("h"), roles);
        assert_eq!(repairs, []);
        assert_eq!(resume.experience[0].highlights, ["Shipped code"]);
        assert_eq!(resume.experience[1].highlights, ["Read punched cards"]);
        assert_eq!(resume.experience[1].title, "Analyst");
    }

    #[test]
    fn missing_unknown_duplicate_and_garbled_roles_keep_the_candidates_bullets() {
        let roles = vec![
            entry(1, "Looms", "Analyst", &["Stolen from role 2"]),
            entry(2, "Looms", "Analyst", &["Read punched cards"]),
            entry(2, "Looms", "Analyst", &["Twice"]),
            entry(9, "Nowhere", "Ghost", &["Invented role"]),
            RoleBullets { role: None, ..entry(0, "", "", &["no number"]) },
        ];
        let (resume, repairs) = run(main("h"), roles);
        assert_eq!(
            repairs,
            [
                RepairKind::RoleGarbled,
                RepairKind::RoleDuplicate,
                RepairKind::RoleUnknown,
                RepairKind::RoleUnknown,
                RepairKind::RoleMissing
            ]
        );
        assert_eq!(resume.experience[0].highlights, ["Wrote code", "Fixed bugs"]);
        assert_eq!(resume.experience[1].highlights, ["Read punched cards"]);
        assert_eq!(resume.experience.len(), 3);
    }

    #[test]
    fn bullets_for_a_role_without_any_are_dropped() {
        let roles = vec![entry(3, "Quiet Co", "Intern", &["Led the company"])];
        let (resume, repairs) = run(main("h"), roles);
        assert!(repairs.contains(&RepairKind::BulletsInvented), "{repairs:?}");
        assert!(resume.experience[2].highlights.is_empty());
    }

    #[test]
    fn extra_bullets_are_dropped_and_long_ones_cut() {
        let long = format!("First sentence here. {}", "word ".repeat(200));
        let roles = vec![entry(2, "Looms", "Analyst", &["a", "b", "c", "d", long.as_str()])];
        let (resume, repairs) = run(main("h"), roles);
        assert!(repairs.contains(&RepairKind::BulletsExtra), "{repairs:?}");
        assert_eq!(resume.experience[1].highlights, ["a", "b", "c"]);

        let roles = vec![entry(2, "Looms", "Analyst", &[long.as_str()])];
        let (resume, repairs) = run(main("h"), roles);
        assert!(repairs.contains(&RepairKind::BulletCut), "{repairs:?}");
        let bullet = &resume.experience[1].highlights[0];
        assert!(bullet.chars().count() <= MAX_BULLET_CHARS, "{}", bullet.len());
        assert!(bullet.ends_with('…') && !bullet.contains("wor…"), "{bullet}");
    }

    #[test]
    fn bullets_are_cut_after_a_sentence_when_that_keeps_enough() {
        let text = format!("{}. Second sentence goes past the limit {}", "a".repeat(300), "b ".repeat(200));
        assert_eq!(cut(&text, MAX_BULLET_CHARS), format!("{}.", "a".repeat(300)));
        assert_eq!(cut("short words only here", 12), "short words…");
        assert!(cut(&"é".repeat(600), 500).chars().count() <= 500);
    }

    #[test]
    fn unusable_headline_and_summary_fall_back_to_the_candidates_own() {
        let main = MainSections { headline: Some("x".repeat(500)), summary: Some("  ".into()), ..Default::default() };
        let (resume, repairs) = run(main, vec![]);
        assert_eq!(resume.headline.as_deref(), Some("Own headline"));
        assert_eq!(resume.summary.as_deref(), Some("Own summary."));
        assert_eq!(resume.skills, ["Rust", "SQL", "Go"]);
        assert!(repairs.starts_with(&[RepairKind::Headline, RepairKind::Summary, RepairKind::SkillMissing]));
    }

    #[test]
    fn skills_are_the_candidates_own_in_the_models_order() {
        let mut repairs = Vec::new();
        let mine = vec!["Rust".to_owned(), "SQL".to_owned(), "Go".to_owned()];
        let ordered = reordered(&mine, &["sql".into(), "Kubernetes".into(), "Rust".into(), "SQL".into()], &mut repairs);
        assert_eq!(ordered, ["SQL", "Rust", "Go"]);
        let kinds: Vec<_> = repairs.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [RepairKind::SkillUnknown, RepairKind::SkillDuplicate, RepairKind::SkillMissing]);
    }

    #[test]
    fn only_a_reply_with_nothing_usable_is_refused() {
        assert!(MainSections::parse("{\"headline\": \"unterminated").is_err());
        assert!(MainSections::parse("[1, 2]").is_err());
        assert!(MainSections::parse("{\"other\": 1}").is_err());
        let fenced = MainSections::parse("```json\n{\"headline\": \"Fenced\"}\n```\n").unwrap();
        assert_eq!(fenced.headline.as_deref(), Some("Fenced"));
        assert_eq!(unfenced("```\n[1]```"), "[1]");
        assert_eq!(unfenced("```{\"a\": 1}```"), "{\"a\": 1}");
        assert_eq!(unfenced("Here it is:\n```json\n{\"a\": 1}\n```\nHope this helps."), "{\"a\": 1}");
        assert_eq!(unfenced(" {\"a\": \"```\"} "), "{\"a\": \"```\"}", "a fence inside the JSON is its text");
        let roles = parse_roles("```json\n{\"roles\": [{\"role\": 1}]}\n```").unwrap();
        assert_eq!(roles[0].role, Some(1));
        let partial = MainSections::parse("{\"headline\": 7, \"summary\": \"Kept.\"}").unwrap();
        assert_eq!((partial.headline, partial.summary.as_deref()), (None, Some("Kept.")));
        assert!(parse_roles("{\"roles\": \"none\"}").is_err());
        let roles = parse_roles("{\"roles\": [{\"role\": 1, \"highlights\": [\"a\", 2]}]}").unwrap();
        assert_eq!((roles[0].role, roles[0].highlights.is_none()), (Some(1), true));
    }
}
