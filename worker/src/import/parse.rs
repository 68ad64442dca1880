//! The offline parser: a resume's text read into a candidate without a model.
//!
//! As OpenResume's parser does, it reads lines, not words: sections are found by their
//! headings (the common forms in English, French, German, Spanish, Portuguese and
//! Russian), the header above the first section gives the name and the contact details
//! (found by their shape: an e-mail, a phone number, a link, a short "City, Country"), and
//! within a section each entry starts at a line that carries a period (`Jan 2020 –
//! Present`), its title and company or school on that line or the lines just above it,
//! its bullets after it (marked `•`, `-`, `*`, …; a wrapped bullet's next line is joined
//! to it). Everything it takes is text of the file; what it cannot place it leaves out.

use std::sync::LazyLock;

use regex::Regex;
use resume_proto::v1;

use super::{
    Warning,
    dates::{self, Period},
};

/// The sections a resume is cut into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Summary,
    Experience,
    Education,
    Skills,
    Certifications,
    /// One we do not read (languages, interests, references, projects…).
    Other,
}

/// Headings, lowercase, by the section they open.
const HEADINGS: &[(Section, &[&str])] = &[
    (
        Section::Summary,
        &[
            "summary",
            "professional summary",
            "profile",
            "professional profile",
            "about",
            "about me",
            "objective",
            "career objective",
            "personal statement",
            "profil",
            "résumé",
            "zusammenfassung",
            "kurzprofil",
            "perfil",
            "resumen",
            "sobre mí",
            "resumo",
            "о себе",
            "профиль",
            "резюме",
        ],
    ),
    (
        Section::Experience,
        &[
            "experience",
            "work experience",
            "professional experience",
            "employment",
            "employment history",
            "work history",
            "career history",
            "relevant experience",
            "volunteer experience",
            "leadership experience",
            "on campus involvement",
            "involvement",
            "expérience",
            "expériences",
            "expérience professionnelle",
            "expériences professionnelles",
            "berufserfahrung",
            "erfahrung",
            "berufliche erfahrung",
            "experiencia",
            "experiencia laboral",
            "experiencia profesional",
            "experiência",
            "experiência profissional",
            "опыт работы",
            "опыт",
            "трудовой опыт",
        ],
    ),
    (
        Section::Education,
        &[
            "education",
            "academic background",
            "education and training",
            "qualifications",
            "formation",
            "éducation",
            "ausbildung",
            "bildung",
            "bildungsweg",
            "studium",
            "educación",
            "formación",
            "formación académica",
            "educação",
            "formação",
            "образование",
        ],
    ),
    (
        Section::Skills,
        &[
            "skills",
            "technical skills",
            "key skills",
            "core skills",
            "core competencies",
            "competencies",
            "expertise",
            "technologies",
            "tools",
            "compétences",
            "compétences techniques",
            "kenntnisse",
            "fähigkeiten",
            "kompetenzen",
            "habilidades",
            "competencias",
            "competências",
            "навыки",
            "ключевые навыки",
        ],
    ),
    (
        Section::Certifications,
        &[
            "certifications",
            "certification",
            "certificates",
            "licenses & certifications",
            "licenses and certifications",
            "licences & certifications",
            "certificats",
            "zertifikate",
            "zertifizierungen",
            "certificaciones",
            "certificações",
            "сертификаты",
            "сертификация",
        ],
    ),
    (
        Section::Other,
        &[
            "languages",
            "interests",
            "hobbies",
            "references",
            "projects",
            "publications",
            "awards",
            "honors",
            "honors and awards",
            "awards and honors",
            "activities",
            "project",
            "personal projects",
            "langues",
            "sprachen",
            "idiomas",
            "языки",
            "intérêts",
            "hobbys",
        ],
    ),
];

/// The section a line opens, if it is a heading.
fn heading(line: &str) -> Option<Section> {
    let key = line.trim().trim_end_matches(':').trim().to_lowercase().replace(['/', '&'], " and ");
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    if key.is_empty() || key.chars().count() > 40 {
        return None;
    }
    HEADINGS.iter().find(|(_, names)| names.contains(&key.as_str())).map(|(section, _)| *section)
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+").expect("the e-mail pattern"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\(?\d[\d\s().\-‐‑–]{6,}\d").expect("the phone pattern"));
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://\S+|(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com|x\.com|twitter\.com|behance\.net|dribbble\.com)/\S+)")
        .expect("the link pattern")
});

/// Markers that open a bullet.
const BULLETS: &[char] = &['•', '●', '▪', '◦', '‣', '∙', '-', '*', '–', '—', '·', '■', '□', '➢', '►', '✓', '\u{f0b7}'];

/// A line's text without its bullet marker, if it has one.
fn bullet(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix(BULLETS)?;
    rest.starts_with(char::is_whitespace).then(|| rest.trim())
}

/// Words that make a line a job title rather than an employer.
const TITLE_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "manager",
    "analyst",
    "designer",
    "lead",
    "director",
    "consultant",
    "intern",
    "specialist",
    "architect",
    "scientist",
    "officer",
    "head",
    "president",
    "administrator",
    "coordinator",
    "assistant",
    "associate",
    "programmer",
    "recruiter",
    "accountant",
    "teacher",
    "nurse",
    "technician",
    "owner",
    "founder",
    "advisor",
    "executive",
    "representative",
    "researcher",
    "writer",
    "editor",
    "sre",
    "devops",
    "ingénieur",
    "développeur",
    "chef",
    "ingenieur",
    "entwickler",
    "leiter",
    "berater",
    "ingeniero",
    "desarrollador",
    "gerente",
    "разработчик",
    "инженер",
    "менеджер",
    "руководитель",
    "аналитик",
    "программист",
];

/// Words that make a line a school.
const SCHOOL_WORDS: &[&str] = &[
    "university",
    "college",
    "school",
    "institute",
    "academy",
    "polytechnic",
    "université",
    "école",
    "universität",
    "hochschule",
    "universidad",
    "universidade",
    "università",
    "университет",
    "институт",
    "академия",
    "lycée",
];

fn has_word(text: &str, words: &[&str]) -> bool {
    let text = text.to_lowercase();
    text.split(|c: char| !c.is_alphanumeric()).any(|w| words.contains(&w))
}

/// A line as the parser reads it: a wide gap (a PDF's columns, a right-aligned date) is a
/// ` · ` separator; any other run of spaces and tabs (Word's exports put a tab and spaces
/// between words) one space; soft hyphens gone.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut gap = 0;
    for c in raw.chars().filter(|&c| c != '\u{ad}') {
        if c.is_whitespace() {
            gap += 1;
            continue;
        }
        if gap > 0 && !out.is_empty() {
            out.push_str(if gap >= WIDE_GAP { " · " } else { " " });
        }
        gap = 0;
        out.push(c);
    }
    out
}

/// Spaces (or tabs) in a row that separate columns rather than words.
const WIDE_GAP: usize = 6;

/// The lines of each section, in order.
fn sections(text: &str) -> Vec<(Section, Vec<String>)> {
    let mut out = vec![(Section::Header, Vec::new())];
    for raw in text.lines() {
        let line = tidy(raw);
        if line.is_empty() {
            continue;
        }
        if let Some(section) = heading(&line) {
            out.push((section, Vec::new()));
            continue;
        }
        if let Some((_, lines)) = out.last_mut() {
            lines.push(line);
        }
    }
    out
}

/// Reads `text` into a candidate, with warnings for what it could not find.
pub fn parse(text: &str) -> (v1::Candidate, Vec<Warning>) {
    let mut candidate = v1::Candidate::default();
    let mut warnings = Vec::new();
    let mut summary = Vec::new();
    for (section, lines) in sections(text) {
        match section {
            Section::Header => header(&lines, &mut candidate),
            Section::Summary => summary.extend(lines),
            Section::Experience => candidate.experience.extend(entries(&lines).into_iter().map(role)),
            Section::Education => candidate.education.extend(entries(&lines).into_iter().map(study)),
            Section::Skills => skills(&lines, &mut candidate.skills),
            Section::Certifications => candidate.certifications.extend(lines.iter().map(|l| certification(l))),
            Section::Other => {}
        }
    }
    if !summary.is_empty() {
        candidate.summary = Some(summary.join(" "));
    }
    if candidate.full_name.is_empty() {
        warnings.push(Warning::new("full_name", "no name was found in the file: fill it in"));
    }
    if candidate.experience.is_empty() {
        warnings.push(Warning::new("experience", "no roles with dates were found: add them by hand"));
    }
    for (i, role) in candidate.experience.iter().enumerate() {
        if role.company.is_empty() {
            warnings.push(Warning::new(
                &format!("experience[{i}].company"),
                "the employer could not be told apart: check it",
            ));
        }
    }
    (candidate, warnings)
}

/// The name, headline and contact details above the first section.
fn header(lines: &[String], candidate: &mut v1::Candidate) {
    for line in lines {
        let mut rest = line.clone();
        for email in EMAIL.find_iter(line) {
            candidate.email.get_or_insert_with(|| email.as_str().to_owned());
            rest = rest.replace(email.as_str(), " ");
        }
        for link in LINK.find_iter(line) {
            let url = link.as_str().trim_end_matches([',', ';', ')']);
            let absolute = if url.starts_with("http") { url.to_owned() } else { format!("https://{url}") };
            let label = if url.contains("linkedin") {
                "LinkedIn"
            } else if url.contains("github") {
                "GitHub"
            } else {
                "Website"
            };
            candidate.links.push(v1::Link { label: label.into(), url: absolute });
            rest = rest.replace(url, " ");
        }
        for phone in PHONE.find_iter(&rest.clone()) {
            let digits = phone.as_str().chars().filter(char::is_ascii_digit).count();
            if (7..=15).contains(&digits) && dates::find(phone.as_str()).is_empty() {
                candidate.phone.get_or_insert_with(|| phone.as_str().trim().to_owned());
                rest = rest.replace(phone.as_str(), " ");
            }
        }
        let parts: Vec<String> = rest
            .split(['|', '·', '•', '\t'])
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| p.chars().any(char::is_alphanumeric))
            .collect();
        let was_contact = rest != *line;
        for part in parts {
            if candidate.full_name.is_empty() && looks_like_name(&part) && !was_contact {
                candidate.full_name = part;
            } else if candidate.location.is_none() && looks_like_place(&part) {
                candidate.location = Some(part);
            } else if candidate.headline.is_none() && !candidate.full_name.is_empty() && !was_contact {
                candidate.headline = Some(part);
            }
        }
    }
}

/// Words that name the document, not the person: a first line "CURRICULUM VITAE".
const DOCUMENT_WORDS: &[&str] =
    &["curriculum", "vitae", "cv", "resume", "résumé", "lebenslauf", "резюме", "portfolio", "confidential"];

/// Two to five words of letters (any script), capitalised where the script has case.
fn looks_like_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && text.chars().count() <= 60
        && text.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.'))
        && words.iter().all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()))
        && !has_word(text, TITLE_WORDS)
        && !has_word(text, DOCUMENT_WORDS)
}

/// "London, UK", "San Francisco, CA": short, with a comma, no digits.
fn looks_like_place(text: &str) -> bool {
    text.contains(',') && text.split_whitespace().count() <= 6 && !text.chars().any(|c| c.is_ascii_digit())
}

/// One entry of a section: the lines that name it, its period, its bullets.
#[derive(Debug, Default)]
struct Entry {
    head: Vec<String>,
    /// Which line of `head` carried the period.
    dated: usize,
    period: Option<Period>,
    bullets: Vec<String>,
}

/// A section's lines cut into entries: each starts at a line with a period (its head is
/// that line's other text and the plain lines just above it); a bullet, or a line that
/// continues one, belongs to the entry before it.
fn entries(lines: &[String]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut after_bullet = false;
    for (i, line) in lines.iter().enumerate() {
        if let Some(text) = bullet(line) {
            match out.last_mut() {
                Some(entry) if pending.is_empty() => entry.bullets.push(text.to_owned()),
                _ => pending.push(text.to_owned()),
            }
            after_bullet = true;
            continue;
        }
        if let Some(period) = dates::period(line).filter(|p| p.rest.chars().count() <= 160) {
            let mut head = std::mem::take(&mut pending);
            let dated = head.len();
            if !period.rest.is_empty() {
                head.push(period.rest.clone());
            }
            out.push(Entry { head, dated, period: Some(period), bullets: Vec::new() });
            after_bullet = false;
            continue;
        }
        // A line just above a line with a period names the next entry ("DEF Organization"
        // above "Software Engineer Intern   Summer 2022").
        let heads_next = lines.get(i + 1).is_some_and(|next| bullet(next).is_none() && dates::period(next).is_some());
        let last = out.last_mut();
        match last {
            // A wrapped bullet's next line.
            Some(entry) if after_bullet && pending.is_empty() => {
                let lower = line.starts_with(|c: char| c.is_lowercase());
                if let Some(bullet) = entry.bullets.last_mut()
                    && (lower || (!heads_next && !bullet.ends_with(['.', '!', '?'])))
                {
                    bullet.push(' ');
                    bullet.push_str(line);
                    continue;
                }
                after_bullet = false;
                pending.push(line.clone());
            }
            // A line under an entry's period line, before its bullets: more of its head
            // ("Member", a degree under its school), unless it names the next entry.
            Some(entry) if !after_bullet && pending.is_empty() && entry.bullets.is_empty() && !heads_next => {
                entry.head.push(line.clone());
            }
            _ => {
                after_bullet = false;
                pending.push(line.clone());
            }
        }
    }
    // Lines after the last entry with no period: an entry of their own (a school without
    // dates), or the last entry's text.
    if !pending.is_empty() {
        out.push(Entry { head: pending, dated: 0, period: None, bullets: Vec::new() });
    }
    out
}

/// A head's parts: split at " · ", " | ", " — " and line ends.
fn parts(head: &[String]) -> Vec<String> {
    head.iter()
        .flat_map(|line| line.split(" · ").flat_map(|p| p.split(" | ")).flat_map(|p| p.split(" — ")))
        .map(|p| p.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '·')).to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// A role from an entry: "Title, Company", "Title at Company", or title and company on
/// lines of their own; a further part that looks like a place is its location.
fn role(entry: Entry) -> v1::Experience {
    let mut role = v1::Experience { highlights: entry.bullets, ..Default::default() };
    if let Some(period) = entry.period {
        role.start = period.start;
        role.end = period.end;
    }
    // "Enactus, University of La Verne   Aug 2013 – Present" over "Member": the dated line
    // names the employer (and where), the line under it the title.
    if entry.head.len() >= 2 && entry.dated == 0 && !has_word(&entry.head[0], TITLE_WORDS) {
        let mut employer =
            parts(&entry.head[..1]).into_iter().flat_map(|p| p.split(", ").map(str::to_owned).collect::<Vec<_>>());
        role.company = employer.next().unwrap_or_default();
        role.location = Some(employer.collect::<Vec<_>>().join(", ")).filter(|l| !l.is_empty());
        role.title = entry.head[1].clone();
        role.highlights.splice(0..0, entry.head[2..].iter().cloned());
        return role;
    }
    let parts = parts(&entry.head);
    let mut rest = parts.into_iter();
    let first = rest.next().unwrap_or_default();
    let split = first
        .split_once(", ")
        .or_else(|| first.split_once(" at "))
        .or_else(|| first.split_once(" @ "))
        .or_else(|| first.split_once(" – "))
        .or_else(|| first.split_once(" - "));
    match split {
        Some((a, b)) if has_word(b, TITLE_WORDS) && !has_word(a, TITLE_WORDS) => {
            (role.company, role.title) = (a.trim().into(), b.trim().into());
        }
        Some((a, b)) => (role.title, role.company) = (a.trim().into(), b.trim().into()),
        None => match rest.next() {
            Some(second) if has_word(&second, TITLE_WORDS) && !has_word(&first, TITLE_WORDS) => {
                (role.company, role.title) = (first, second);
            }
            Some(second) => (role.title, role.company) = (first, second),
            None => role.title = first,
        },
    }
    for part in rest {
        if role.location.is_none() && (looks_like_place(&part) || part.split_whitespace().count() <= 3) {
            role.location = Some(part);
        } else {
            role.highlights.insert(0, part);
        }
    }
    role
}

/// A course of study from an entry: the school (the part that names one, else the first),
/// the degree and field after it.
fn study(entry: Entry) -> v1::Education {
    let parts = parts(&entry.head);
    let mut study = v1::Education::default();
    if let Some(period) = entry.period {
        study.start = Some(period.start);
        study.end = period.end;
    }
    let mut parts: Vec<String> = parts.into_iter().flat_map(|p| split_school(&p)).collect();
    let school = parts.iter().position(|p| has_word(p, SCHOOL_WORDS)).unwrap_or(0);
    if school < parts.len() {
        study.institution = parts.remove(school);
    }
    // The degree is the part that names one ("Bachelor of Arts", "MSc"), the field the part
    // after it; a school's town or a grade is neither.
    if let Some(at) = parts.iter().position(|p| is_degree(p)) {
        study.degree = Some(parts[at].clone());
        study.field = parts.get(at + 1).filter(|f| !f.to_lowercase().starts_with("gpa")).cloned();
    }
    study
}

/// "University of X, BSc, Mathematics": the school, then the rest at each comma; a school
/// with a comma in its name ("University of California, Berkeley") stays whole when the
/// part after the comma is not a degree.
fn split_school(part: &str) -> Vec<String> {
    if !part.contains(", ") {
        return vec![part.to_owned()];
    }
    let pieces: Vec<&str> = part.split(", ").collect();
    match pieces.iter().position(|p| is_degree(p)) {
        Some(0) | None => pieces.into_iter().map(|p| p.trim().to_owned()).collect(),
        Some(at) => std::iter::once(pieces[..at].join(", "))
            .chain(pieces[at..].iter().map(|p| (*p).to_owned()))
            .map(|p| p.trim().to_owned())
            .collect(),
    }
}

/// Whether `text` names a degree (its dots aside: `B.Tech`, `M.Sc.`).
fn is_degree(text: &str) -> bool {
    let text = text.to_lowercase().replace('.', "");
    const DEGREES: &[&str] = &[
        "bsc",
        "msc",
        "ba",
        "ma",
        "bs",
        "ms",
        "phd",
        "mba",
        "bachelor",
        "master",
        "licence",
        "diplom",
        "beng",
        "meng",
        "btech",
        "mtech",
        "bcom",
        "mcom",
        "bba",
        "llb",
        "llm",
        "doctor",
        "associate",
        "diploma",
        "certificate",
        "бакалавр",
        "магистр",
        "специалист",
    ];
    text.split(|c: char| !c.is_alphanumeric()).any(|w| DEGREES.contains(&w))
}

/// Skills: the section's items, split at commas, middots, bullets and semicolons, a
/// "Label:" before them dropped.
fn skills(lines: &[String], out: &mut Vec<String>) {
    for line in lines {
        let line = bullet(line).unwrap_or(line);
        let line = match line.split_once(": ") {
            Some((label, items)) if label.split_whitespace().count() <= 3 => items,
            _ => line,
        };
        for item in line.split([',', '·', '•', ';', '|']) {
            let item = item.trim();
            if !item.is_empty() && item.chars().count() <= 60 && !out.iter().any(|s| s.eq_ignore_ascii_case(item)) {
                out.push(item.to_owned());
            }
        }
    }
}

/// A certification line: "Name · Issuer, 2021", "Name – Issuer (2021)", "Name".
fn certification(line: &str) -> v1::Certification {
    let line = bullet(line).unwrap_or(line);
    let found = dates::find(line);
    let year = found.iter().find_map(|f| match &f.when {
        dates::When::Date(date) => date.get(..4).and_then(|y| y.parse().ok()),
        dates::When::Now => None,
    });
    let mut text = line.to_owned();
    if let Some(f) = found.first() {
        text = format!("{} {}", &line[..f.start], &line[f.end..]);
    }
    let text = dates::trim_separators(&text);
    let (name, issuer) =
        match text.split_once(" · ").or_else(|| text.split_once(" – ")).or_else(|| text.split_once(" - ")) {
            Some((name, issuer)) => {
                (name.trim().to_owned(), Some(dates::trim_separators(issuer)).filter(|i| !i.is_empty()))
            }
            None => (text, None),
        };
    v1::Certification { name, issuer, year }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = "Ada Lovelace\n\
        ada@example.com | +44 20 7946 0958 | London, UK | github.com/ada\n\
        Analytical engine programmer\n\n\
        SUMMARY\nFirst programmer. Wrote the notes.\n\n\
        SKILLS\nRust · PostgreSQL · Mathematics\n\n\
        EXPERIENCE\n\n\
        Senior Engineer, Analytical Engines Ltd · London · Jan 2020 – Present\n\
        - Wrote the first program\n- Explained the engine\n\n\
        Engineer, Difference Co · 2015 – Dec 2019\n- Tabulated things that\nwrapped onto a new line\n\n\
        EDUCATION\nUniversity of London · BSc, Mathematics · 2012 – 2015\n\n\
        CERTIFICATIONS\n- CKA · CNCF, 2021\n";

    #[test]
    fn a_plain_resume_is_read_into_its_fields() {
        let (c, warnings) = parse(PLAIN);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(c.full_name, "Ada Lovelace");
        assert_eq!(c.email.as_deref(), Some("ada@example.com"));
        assert_eq!(c.phone.as_deref(), Some("+44 20 7946 0958"));
        assert_eq!(c.location.as_deref(), Some("London, UK"));
        assert_eq!(c.headline.as_deref(), Some("Analytical engine programmer"));
        assert_eq!(c.links[0].url, "https://github.com/ada");
        assert_eq!(c.skills, ["Rust", "PostgreSQL", "Mathematics"]);
        let roles: Vec<_> = c
            .experience
            .iter()
            .map(|r| (r.title.as_str(), r.company.as_str(), r.start.as_str(), r.end.as_deref()))
            .collect();
        assert_eq!(
            roles,
            [
                ("Senior Engineer", "Analytical Engines Ltd", "2020-01", None),
                ("Engineer", "Difference Co", "2015", Some("2019-12")),
            ]
        );
        assert_eq!(c.experience[0].location.as_deref(), Some("London"));
        assert_eq!(c.experience[1].highlights, ["Tabulated things that wrapped onto a new line"]);
        assert_eq!(c.education[0].institution, "University of London");
        assert_eq!(
            (c.education[0].degree.as_deref(), c.education[0].field.as_deref()),
            (Some("BSc"), Some("Mathematics"))
        );
        assert_eq!(
            c.certifications[0],
            v1::Certification { name: "CKA".into(), issuer: Some("CNCF".into()), year: Some(2021) }
        );
    }

    #[test]
    fn a_document_title_is_not_a_name_and_a_dotted_degree_is_a_degree() {
        let text = "CURRICULUM VITAE\nPriya Raman\npriya@example.in\n\nEducation\nIIT Madras — B.Tech, Computer Science, 2013 – 2017\n";
        let (c, _) = parse(text);
        assert_eq!(c.full_name, "Priya Raman");
        let study = &c.education[0];
        assert_eq!(
            (study.institution.as_str(), study.degree.as_deref(), study.field.as_deref()),
            ("IIT Madras", Some("B.Tech"), Some("Computer Science"))
        );
    }

    #[test]
    fn headings_of_other_languages_and_company_first_lines() {
        let text = "Jean Dupont\njean@exemple.fr\n\nExpérience professionnelle\nSociété Générale\nDéveloppeur\nsept. 2018 – aujourd'hui\n• Migré les services\n\nFormation\nÉcole Polytechnique 2014 – 2017\n";
        let (c, _) = parse(text);
        assert_eq!(c.full_name, "Jean Dupont");
        assert_eq!(
            (c.experience[0].company.as_str(), c.experience[0].title.as_str()),
            ("Société Générale", "Développeur")
        );
        assert_eq!((c.experience[0].start.as_str(), c.experience[0].end.as_deref()), ("2018-09", None));
        assert_eq!(c.education[0].institution, "École Polytechnique");
    }

    /// The layouts of two resumes not made here (OpenResume's example, and a university
    /// careers office's Word template exported to PDF, every word spaced with a tab): the
    /// employer on its own line above "Title   Summer 2022"; "Org, Town   Aug 2013 – Present"
    /// above the title; columns far apart; a wrapped bullet's line in lowercase.
    #[test]
    fn layouts_of_other_tools() {
        let text = "John Doe\nhello@openresume.com        123-456-7890        NYC, NY\n\n\
            WORK EXPERIENCE\nDEF Organization\nSoftware Engineer Intern                          Summer 2022\n\
            • Created a progress bar\n\nON\t CAMPUS\t INVOLVEMENT\t\n\
            Enactus,\t University\t of\t La\t Verne\t \t \t \t \t \t \t August\t 2013\t –\t Present\n\
            Member\n     • Implement collective ideas which promote educational\n          and social change\n\n\
            EDUCATION\nUniversity of La Verne, La Verne, CA                   Expected Graduation: June 2016\n\
            Bachelor of Arts, Business Administration\nGPA: 3.5\n";
        let (c, _) = parse(text);
        assert_eq!((c.phone.as_deref(), c.location.as_deref()), (Some("123-456-7890"), Some("NYC, NY")));
        let roles: Vec<_> =
            c.experience.iter().map(|r| (r.company.as_str(), r.title.as_str(), r.start.as_str())).collect();
        assert_eq!(roles, [("DEF Organization", "Software Engineer Intern", "2022"), ("Enactus", "Member", "2013-08")]);
        assert_eq!(
            c.experience[1].highlights,
            ["Implement collective ideas which promote educational and social change"]
        );
        assert_eq!(c.education[0].institution, "University of La Verne");
        assert_eq!(
            (c.education[0].degree.as_deref(), c.education[0].field.as_deref()),
            (Some("Bachelor of Arts"), Some("Business Administration"))
        );
    }

    #[test]
    fn nothing_found_is_said() {
        let (c, warnings) = parse("just some words about nothing in particular\n");
        assert!(c.full_name.is_empty());
        let fields: Vec<_> = warnings.iter().map(|w| w.field.as_str()).collect();
        assert_eq!(fields, ["full_name", "experience"]);
    }
}
