use super::*;

fn ada() -> v1::Candidate {
    v1::Candidate {
        full_name: "Ada Lovelace".into(),
        summary: Some("Engineer who ships data systems.".into()),
        skills: vec!["Rust".into(), "PostgreSQL".into(), "Kafka".into(), "Leadership".into()],
        experience: vec![
            v1::Experience {
                company: "Analytical Engines Ltd".into(),
                title: "Lead Engineer".into(),
                start: "2021-03".into(),
                highlights: vec!["Cut batch time by 40% across 1,200 jobs".into(), "Led a team of 6".into()],
                ..Default::default()
            },
            v1::Experience {
                company: "Looms & Co".into(),
                title: "Engineer".into(),
                start: "2018".into(),
                end: Some("2021".into()),
                ..Default::default()
            },
        ],
        education: vec![v1::Education {
            institution: "University of London".into(),
            degree: Some("BSc".into()),
            field: Some("Mathematics".into()),
            ..Default::default()
        }],
        certifications: vec![v1::Certification { name: "CKA".into(), year: Some(2022), ..Default::default() }],
        ..Default::default()
    }
}

fn posting() -> v1::CandidateJob {
    v1::CandidateJob {
        title: "Staff Engineer".into(),
        company: Some("Initech".into()),
        description: "We run Rust and Kafka at scale.".into(),
        ..Default::default()
    }
}

#[test]
fn the_offline_letter_names_the_company_and_only_the_candidates_facts() {
    let letter = offline(&ada(), Some(&posting()), "Ada Lovelace");
    assert_eq!(letter.greeting, "Dear Initech hiring team,");
    assert!(letter.paragraphs[0].contains("Staff Engineer position at Initech"), "{:?}", letter.paragraphs);
    assert!((3..=MAX_PARAGRAPHS).contains(&letter.paragraphs.len()));
    let body = letter.paragraphs.join(" ");
    for fact in ["Analytical Engines Ltd", "Lead Engineer", "40%", "1,200", "Looms & Co", "University of London", "CKA"]
    {
        assert!(body.contains(fact), "{fact} missing from {body}");
    }
    assert!(letter.paragraphs[2].starts_with("The role asks for what I work with: Rust and Kafka."), "{body}");
    assert_eq!(letter.signature, "Ada Lovelace");
    // The offline letter passes the rule it holds the model's to.
    let known = facts::Known::of(&ada(), Some(&posting()));
    for part in std::iter::once(&letter.greeting).chain(&letter.paragraphs).chain([&letter.closing]) {
        assert_eq!(known.first_unknown_in(part), None, "{part}");
    }
}

#[test]
fn without_a_target_the_letter_is_general() {
    let letter = offline(&ada(), None, "Ada Lovelace");
    assert_eq!(letter.greeting, "Dear hiring manager,");
    assert!(letter.paragraphs[0].starts_with("I am writing to introduce myself"));
    assert!(letter.paragraphs[2].starts_with("My skills include Rust, PostgreSQL, Kafka and Leadership."));
    assert!(!letter.paragraphs.join(" ").contains("Initech"));
}

#[test]
fn an_invented_employer_or_number_is_removed_sentence_by_sentence() {
    let known = facts::Known::of(&ada(), Some(&posting()));
    let reply = parse(
        r#"{"greeting": "Dear Hiring Team at Initech,", "paragraphs": [
            "I am applying for the Staff Engineer role at Initech.",
            "At Analytical Engines Ltd I cut batch time by 40%. Before that I ran Invented Employer Ltd. I grew revenue by 250%.",
            "I know Rust and Kafka.",
            "Thank you for your time."
        ], "closing": "Kind regards,", "signature": "Someone Else"}"#,
    )
    .unwrap();
    let (letter, repairs) = checked(&known, reply, offline(&ada(), Some(&posting()), "Ada Lovelace"), "Ada Lovelace");
    assert_eq!(letter.paragraphs[1], "At Analytical Engines Ltd I cut batch time by 40%.");
    assert_eq!(letter.paragraphs.len(), 4);
    assert_eq!(letter.greeting, "Dear Hiring Team at Initech,");
    assert_eq!(letter.signature, "Ada Lovelace", "the signature is ours");
    let kinds: Vec<RepairKind> = repairs.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RepairKind::LetterFact, RepairKind::LetterFact], "{repairs:?}");
    assert!(repairs[0].detail.contains("\"Invented\""), "{repairs:?}");
    assert!(repairs[1].detail.contains("250"), "{repairs:?}");
}

#[test]
fn an_unusable_part_falls_back_and_only_a_reply_without_paragraphs_is_unusable() {
    let known = facts::Known::of(&ada(), Some(&posting()));
    let reply = parse(r#"{"greeting": "Dear Globex,", "paragraphs": ["I love Globex."], "closing": ""}"#).unwrap();
    let fallback = offline(&ada(), Some(&posting()), "Ada Lovelace");
    let (letter, repairs) = checked(&known, reply, fallback.clone(), "Ada Lovelace");
    assert_eq!(letter.greeting, fallback.greeting);
    assert_eq!(letter.closing, fallback.closing);
    assert_eq!(letter.paragraphs, fallback.paragraphs);
    assert_eq!(repairs.len(), 4, "{repairs:?}");
    assert!(parse(r#"{"greeting": "Hi"}"#).is_err());
    assert!(parse("not json").is_err());
    let fenced = parse("```json\n{\"greeting\": \"Hi\", \"paragraphs\": [\"One.\"]}\n```").unwrap();
    assert_eq!(fenced.paragraphs, ["One."]);
}

#[test]
fn a_sentence_ending_in_its_own_scripts_stop_gets_no_second_one() {
    assert_eq!(sentence("बैकएंड सेवाएँ बनाती हैं।"), "बैकएंड सेवाएँ बनाती हैं।");
    assert_eq!(sentence("后端服务。"), "后端服务。");
    assert_eq!(sentence("Writes algorithms"), "Writes algorithms.");
    assert_eq!(sentence(" Ships it! "), "Ships it!");
}
