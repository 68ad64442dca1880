//! Round trips: candidates rendered by this project as PDF and DOCX, read back by the
//! offline parser, give the same name, contact details, companies, titles, dates, schools
//! and certifications.

use resume_proto::{job::FileType, v1};

use super::*;
use crate::{
    model::{Printable, offline},
    render,
};

fn role(n: usize, company: &str, title: &str) -> v1::Experience {
    let year = 2024 - n as i32 * 2;
    v1::Experience {
        company: company.into(),
        title: title.into(),
        location: Some("Berlin".into()),
        start: format!("{}-{:02}", year - 2, n % 12 + 1),
        end: (n > 0).then(|| format!("{year}-{:02}", (n + 5) % 12 + 1)),
        highlights: vec![format!("Shipped release {n} of the billing platform."), format!("Mentored {n} engineers.")],
    }
}

fn candidate(name: &str, roles: Vec<v1::Experience>) -> v1::Candidate {
    v1::Candidate {
        full_name: name.into(),
        email: Some("person@example.com".into()),
        phone: Some("+49 30 1234 5678".into()),
        location: Some("Berlin, Germany".into()),
        headline: Some("Backend engineer".into()),
        skills: vec!["Rust".into(), "PostgreSQL".into()],
        experience: roles,
        education: vec![v1::Education {
            institution: "Technische Universität München".into(),
            degree: Some("MSc".into()),
            field: Some("Informatics".into()),
            start: Some("2008".into()),
            end: Some("2012".into()),
        }],
        certifications: vec![v1::Certification { name: "CKA".into(), issuer: Some("CNCF".into()), year: Some(2021) }],
        ..Default::default()
    }
}

fn facts(c: &v1::Candidate) -> Vec<String> {
    let mut out = vec![c.full_name.clone(), c.email.clone().unwrap_or_default(), c.phone.clone().unwrap_or_default()];
    for r in &c.experience {
        out.push(format!("{} | {} | {} | {:?}", r.company, r.title, r.start, r.end));
    }
    out.extend(c.education.iter().map(|e| e.institution.clone()));
    out.extend(c.certifications.iter().map(|c| c.name.clone()));
    out
}

#[test]
fn our_own_pdf_and_docx_read_back_the_same_facts() {
    let twelve: Vec<v1::Experience> =
        (0..12).map(|n| role(n, &format!("Nordwind Systems {n} GmbH"), &format!("Staff Engineer {n}"))).collect();
    let people = [
        candidate("Ada Lovelace", vec![role(0, "Analytical Engines", "Senior Engineer")]),
        candidate(
            "Zoë Ångström-Müller",
            vec![
                role(0, "Société Générale", "Développeuse"),
                role(1, "Zürich Re", "Engineer"),
                role(2, "Café Noir", "Barista"),
            ],
        ),
        candidate("Иван Петров", vec![role(0, "Яндекс", "Разработчик"), role(1, "Сбербанк", "Инженер")]),
        candidate("Grace Hopper", twelve),
    ];
    for person in people {
        let resume = offline::present(&person, &offline::content(&person, None));
        for (file_type, format) in [(FileType::Pdf, ImportFormat::Pdf), (FileType::Word, ImportFormat::Docx)] {
            let document =
                render::render(&Printable::Resume(resume.clone()), file_type, render::Paper::A4).expect("rendered");
            let read = read_offline("cv", format, &document.bytes).expect("readable");
            assert_eq!(
                facts(&read.candidate),
                facts(&person),
                "{} as {file_type}: {:?}",
                person.full_name,
                read.warnings
            );
        }
    }
}

#[test]
fn control_characters_never_reach_a_draft() {
    // A text file with a NUL, a bell and a page break; a JSON Resume with an escape, a form
    // feed inside a bullet and a skill that is only a control character.
    let text =
        "Ada\u{7} Lovelace\nada@example.com\u{0}\n\u{c}Experience\nProgrammer, Analytical Engines\n2019 - Present\n";
    let read = read_offline("cv.txt", ImportFormat::Text, text.as_bytes()).expect("readable");
    assert_eq!(
        (read.candidate.full_name.as_str(), read.candidate.email.as_deref()),
        ("Ada Lovelace", Some("ada@example.com"))
    );
    let resume = r#"{"basics": {"name": "Ada \u001b[31mLovelace", "summary": "First\u0000 programmer."},
                     "skills": [{"name": "\u0007"}, {"name": "Rust"}],
                     "work": [{"name": "Analytical Engines", "position": "Programmer\u0007", "startDate": "2019-01",
                               "highlights": ["Wrote\u000cthe first program"]}]}"#;
    let read = read_offline("resume.json", ImportFormat::JsonResume, resume.as_bytes()).expect("readable");
    let draft = &read.candidate;
    assert_eq!((draft.full_name.as_str(), draft.summary.as_deref()), ("Ada [31mLovelace", Some("First programmer.")));
    assert_eq!(
        (draft.experience[0].title.as_str(), draft.experience[0].highlights[0].as_str()),
        ("Programmer", "Wrote the first program")
    );
    assert_eq!(draft.skills, ["Rust"], "a skill of nothing but a control character is none");
    // A LinkedIn export's cells.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("Profile.csv", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(
        &mut zip,
        "First Name,Last Name,Headline\nAda\u{0},Lovelace,Programmer\u{7}\n".as_bytes(),
    )
    .unwrap();
    let export = zip.finish().unwrap().into_inner();
    let read = read_offline("export.zip", ImportFormat::Linkedin, &export).expect("readable");
    assert_eq!(
        (read.candidate.full_name.as_str(), read.candidate.headline.as_deref()),
        ("Ada Lovelace", Some("Programmer"))
    );
}
