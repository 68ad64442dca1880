//! An edited content checked against the candidate it describes: the wording (headline,
//! summary, skills, bullets), their order and what is left out may change; the facts
//! (name, employers, titles, locations, dates, schools, degrees, certifications) may not.
//! A cover letter's edit may reword everything, but every name and number it carries must
//! be the candidate's or the addressee's ([`facts`]), and it signs with the candidate's
//! name (or, anonymised, their label).
//! Every error names the field as a client would write its path (`content.experience[1].company`).

use resume_proto::{anonymous, content::Content, facts, v1};

use crate::{
    core::validate::{optional, required},
    error::{Error, Result},
};

fn invalid(msg: String) -> Error {
    Error::InvalidArgument(msg)
}

/// Each item of `edited` must be one of `own` (each used at most once); the first that is
/// not is named by `describe`.
fn drawn_from<T: PartialEq>(field: &str, edited: &[T], own: &[T], what: &str) -> Result<()> {
    let mut used = vec![false; own.len()];
    for (i, item) in edited.iter().enumerate() {
        match own.iter().enumerate().position(|(j, o)| !used[j] && o == item) {
            Some(j) => used[j] = true,
            None => return Err(invalid(format!("{field}[{i}] is not one of the candidate's {what}"))),
        }
    }
    Ok(())
}

/// The most paragraphs an edited letter may have.
const MAX_PARAGRAPHS: usize = 6;

/// `content` as a recruiter edited it from `candidate`'s document (addressed to `target`,
/// anonymised or not).
pub fn edited(
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    anonymize: bool,
    content: &Content,
) -> Result<()> {
    match content {
        Content::Resume(resume) => edited_resume(candidate, resume),
        Content::CoverLetter(letter) => edited_letter(candidate, target, anonymize, letter),
    }
}

/// A letter edited from `candidate`'s: its parts present and within bounds, each name and
/// number the candidate's or the addressee's, signed by the candidate (or their label).
fn edited_letter(
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    anonymize: bool,
    letter: &v1::CoverLetterContent,
) -> Result<()> {
    required("content.greeting", &letter.greeting, 300)?;
    required("content.closing", &letter.closing, 100)?;
    if !(1..=MAX_PARAGRAPHS).contains(&letter.paragraphs.len()) {
        return Err(invalid(format!("content.paragraphs must have 1 to {MAX_PARAGRAPHS} entries")));
    }
    let signer = if anonymize { anonymous::label(&candidate.full_name) } else { candidate.full_name.trim().to_owned() };
    if letter.signature.trim() != signer {
        return Err(invalid(format!("content.signature must be \"{signer}\"")));
    }
    let known = facts::Known::of(candidate, target);
    let parts = std::iter::once(("content.greeting".to_owned(), &letter.greeting))
        .chain(letter.paragraphs.iter().enumerate().map(|(i, p)| (format!("content.paragraphs[{i}]"), p)))
        .chain(std::iter::once(("content.closing".to_owned(), &letter.closing)));
    for (field, text) in parts {
        if field.starts_with("content.paragraphs") {
            required(&field, text, 3000)?;
        }
        if let Some(unknown) = known.first_unknown_in(text) {
            return Err(invalid(format!("{field} names {unknown}, which is not in the candidate's data")));
        }
    }
    Ok(())
}

/// `resume` as a recruiter edited it from `candidate`'s resume.
fn edited_resume(candidate: &v1::Candidate, content: &v1::ResumeContent) -> Result<()> {
    if content.full_name.trim() != candidate.full_name.trim() {
        return Err(invalid("content.full_name must be the candidate's name".into()));
    }
    optional("content.headline", content.headline.as_deref(), 300)?;
    optional("content.summary", content.summary.as_deref(), 5000)?;
    if content.skills.len() > 100 {
        return Err(invalid("content.skills must have at most 100 entries".into()));
    }
    for (i, skill) in content.skills.iter().enumerate() {
        required(&format!("content.skills[{i}]"), skill, 100)?;
    }
    // A role is its facts: the same company, title, location and dates as one of theirs.
    let facts =
        |e: &v1::Experience| (e.company.clone(), e.title.clone(), e.location.clone(), e.start.clone(), e.end.clone());
    let own_roles: Vec<_> = candidate.experience.iter().map(facts).collect();
    let mut used = vec![false; own_roles.len()];
    for (i, role) in content.experience.iter().enumerate() {
        let field = format!("content.experience[{i}]");
        let same = |j: usize, o: &(String, String, Option<String>, String, Option<String>)| {
            !used[j] && o.0 == role.company && o.1 == role.title
        };
        let Some(j) = own_roles.iter().enumerate().position(|(j, o)| same(j, o)) else {
            return Err(invalid(format!("{field}.company and .title must be one of the candidate's roles")));
        };
        let own = &own_roles[j];
        if own.2 != role.location {
            return Err(invalid(format!("{field}.location must be the role's own")));
        }
        if own.3 != role.start || own.4 != role.end {
            return Err(invalid(format!("{field}.start and .end must be the role's own dates")));
        }
        used[j] = true;
        if role.highlights.len() > 30 {
            return Err(invalid(format!("{field}.highlights must have at most 30 entries")));
        }
        for (k, bullet) in role.highlights.iter().enumerate() {
            required(&format!("{field}.highlights[{k}]"), bullet, 1000)?;
        }
    }
    drawn_from("content.education", &content.education, &candidate.education, "education entries")?;
    drawn_from("content.certifications", &content.certifications, &candidate.certifications, "certifications")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> v1::Candidate {
        v1::Candidate {
            full_name: "Ada Lovelace".into(),
            skills: vec!["Rust".into(), "SQL".into()],
            experience: vec![
                v1::Experience {
                    company: "Engines Ltd".into(),
                    title: "Programmer".into(),
                    start: "2020-01".into(),
                    highlights: vec!["Wrote the first program".into()],
                    ..Default::default()
                },
                v1::Experience {
                    company: "Looms".into(),
                    title: "Analyst".into(),
                    location: Some("Leeds".into()),
                    start: "2018".into(),
                    end: Some("2019".into()),
                    ..Default::default()
                },
            ],
            education: vec![v1::Education { institution: "University of London".into(), ..Default::default() }],
            certifications: vec![v1::Certification {
                name: "Engine Operator".into(),
                year: Some(2021),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn content(c: &v1::Candidate) -> v1::ResumeContent {
        v1::ResumeContent {
            full_name: c.full_name.clone(),
            headline: Some("Programmer".into()),
            summary: None,
            skills: c.skills.clone(),
            experience: c.experience.clone(),
            education: c.education.clone(),
            certifications: c.certifications.clone(),
        }
    }

    fn message(c: &v1::ResumeContent) -> String {
        letter_message(&Content::Resume(c.clone()))
    }

    fn letter_message(c: &Content) -> String {
        let target =
            v1::CandidateJob { title: "Engineer".into(), company: Some("Initech".into()), ..Default::default() };
        match edited(&ada(), Some(&target), false, c) {
            Err(Error::InvalidArgument(msg)) => msg,
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn wording_order_and_omission_may_change() {
        let mut c = content(&ada());
        c.headline = Some("Reworded".into());
        c.skills = vec!["SQL".into(), "Databases".into()];
        c.experience.reverse();
        c.experience[1].highlights = vec!["Reworded bullet".into(), "Another".into()];
        c.experience.pop();
        c.certifications.clear();
        edited(&ada(), None, false, &Content::Resume(c)).unwrap();
    }

    fn letter() -> v1::CoverLetterContent {
        v1::CoverLetterContent {
            greeting: "Dear Initech hiring team,".into(),
            paragraphs: vec![
                "I am applying for the Engineer role at Initech.".into(),
                "At Engines Ltd I wrote the first program.".into(),
                "I studied at the University of London.".into(),
            ],
            closing: "Kind regards,".into(),
            signature: "Ada Lovelace".into(),
        }
    }

    #[test]
    fn a_letter_may_be_reworded_but_names_only_the_candidates_facts() {
        let target =
            v1::CandidateJob { title: "Engineer".into(), company: Some("Initech".into()), ..Default::default() };
        edited(&ada(), Some(&target), false, &Content::CoverLetter(letter())).unwrap();
        let mut l = letter();
        l.paragraphs[1] = "At Globex Corporation I wrote the first program.".into();
        assert_eq!(
            letter_message(&Content::CoverLetter(l)),
            "content.paragraphs[1] names \"Globex\", which is not in the candidate's data"
        );
        let mut l = letter();
        l.paragraphs[2] = "I saved 3 million.".into();
        assert_eq!(
            letter_message(&Content::CoverLetter(l)),
            "content.paragraphs[2] names the number 3, which is not in the candidate's data"
        );
        let mut l = letter();
        l.signature = "Grace Hopper".into();
        assert_eq!(letter_message(&Content::CoverLetter(l)), "content.signature must be \"Ada Lovelace\"");
        let mut l = letter();
        l.signature = "Candidate A.L.".into();
        edited(&ada(), Some(&target), true, &Content::CoverLetter(l)).unwrap();
        let mut l = letter();
        l.paragraphs.clear();
        assert_eq!(letter_message(&Content::CoverLetter(l)), "content.paragraphs must have 1 to 6 entries");
    }

    #[test]
    fn facts_may_not_be_added_or_changed() {
        let mut c = content(&ada());
        c.experience[0].company = "Invented Corp".into();
        assert_eq!(message(&c), "content.experience[0].company and .title must be one of the candidate's roles");
        let mut c = content(&ada());
        c.experience[1].end = Some("2024".into());
        assert_eq!(message(&c), "content.experience[1].start and .end must be the role's own dates");
        let mut c = content(&ada());
        c.experience[1].location = None;
        assert_eq!(message(&c), "content.experience[1].location must be the role's own");
        let mut c = content(&ada());
        c.experience.push(c.experience[0].clone());
        assert_eq!(message(&c), "content.experience[2].company and .title must be one of the candidate's roles");
        let mut c = content(&ada());
        c.certifications[0].year = Some(2022);
        assert_eq!(message(&c), "content.certifications[0] is not one of the candidate's certifications");
        let mut c = content(&ada());
        c.education[0].degree = Some("PhD".into());
        assert_eq!(message(&c), "content.education[0] is not one of the candidate's education entries");
        let mut c = content(&ada());
        c.full_name = "Grace Hopper".into();
        assert_eq!(message(&c), "content.full_name must be the candidate's name");
        let mut c = content(&ada());
        c.experience[0].highlights = vec![" ".into()];
        assert_eq!(message(&c), "content.experience[0].highlights[0] is required");
    }
}
