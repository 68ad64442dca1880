//! Cover letters and anonymised documents, end to end: a letter in every format addressed to
//! the posting's company (read back from the PDF, the DOCX, LibreOffice's reading of the
//! DOCX, the text and the Markdown), the model's invented facts removed and counted, the
//! offline letter, a letter edited and rendered again, and anonymised resumes and letters
//! that name nobody, with cache keys of their own.

use e2e::{
    Db, Options, System, docx_text,
    fake_model::{Call, FakeModel, Reply},
    libreoffice_texts, pdf_text, sample_candidate,
};
use serde_json::{Value, json};

const FORMATS: [(&str, &str); 4] = [("word", "docx"), ("pdf", "pdf"), ("text", "txt"), ("markdown", "md")];

/// Submits `body` as `user` and waits for the job to end; the job.
async fn generated(system: &System, user: &str, body: Value) -> anyhow::Result<Value> {
    let (status, job) = system.post(user, "/api/resume-async/generate-async", body).await?;
    anyhow::ensure!(status == 202, "{status} {job}");
    Ok(system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap())
}

/// The text of a finished job's file, as a reader of its format finds it (a DOCX's
/// paragraphs, then LibreOffice's reading of it).
async fn text_of(system: &System, user: &str, job: &Value) -> anyhow::Result<String> {
    let bytes = system.download(user, job).await?.bytes().await?;
    Ok(match job["file_type"].as_str() {
        Some("word") => {
            let (own, _) = docx_text(&bytes)?;
            let office = libreoffice_texts(&[&bytes])?.pop().unwrap_or_default();
            format!("{own}\n{office}")
        }
        Some("pdf") => pdf_text(&bytes)?,
        _ => String::from_utf8(bytes.to_vec())?,
    })
}

/// Whitespace squeezed to single spaces (PDF text breaks lines where the layout does).
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_succeeds_in_every_format_addressed_to_the_company_from_one_model_call() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(Db::Postgres, 1, Options::on_model(&model.url)).await?;
    let (candidate, target) = system.candidate_with_target("ada").await?;
    for (file_type, extension) in FORMATS {
        let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": file_type,
                          "document": "cover_letter"});
        let job = generated(&system, "ada", body).await?;
        assert_eq!(
            (job["status"].as_str(), job["document"].as_str()),
            (Some("SUCCESS"), Some("cover_letter")),
            "{job}"
        );
        assert_eq!(job["anonymize"], false);
        assert_eq!(job["filename"], format!("Ada_Lovelace_Cover_Letter.{extension}"));
        let text = squeezed(&text_of(&system, "ada", &job).await?);
        for shown in ["Babbage & Co", "Backend Engineer", "Analytical Engines Ltd", "Ada Lovelace", "Kind regards,"] {
            let shown = if file_type == "markdown" { shown.replace('&', "\\&") } else { shown.to_owned() };
            assert!(text.contains(&shown), "{file_type}: {shown} missing from {text}");
        }
    }
    // One model call made the letter for every format; it shares the resume calls' prefix.
    let letters: Vec<_> = model.seen().into_iter().filter(|s| s.schema == "cover_letter").collect();
    assert_eq!((letters.len(), model.seen().len()), (1, 1), "{:?}", model.seen());
    let resume = generated(&system, "ada", json!({"candidate_id": candidate, "job_row_id": target})).await?;
    assert_eq!((resume["document"].as_str(), resume["cache_hit"].as_bool()), (Some("resume"), Some(false)));
    let main = model.seen().into_iter().find(|s| s.schema == "resume_main").expect("the resume's call");
    assert_eq!(main.prefix, letters[0].prefix, "the cacheable prefix is shared");
    assert_ne!(main.task, letters[0].task);

    // Its content is a letter's, and says so.
    let (status, content) =
        system.get("ada", &format!("/api/resume-async/content/{}", resume["job_id"].as_str().unwrap())).await?;
    assert_eq!((status, content["document"].as_str()), (200, Some("resume")), "{content}");
    let (status, mine) = system.get("ada", "/api/resume-async/my-jobs").await?;
    assert_eq!(status, 200);
    let documents: Vec<&str> = mine["jobs"].as_array().unwrap().iter().filter_map(|j| j["document"].as_str()).collect();
    assert_eq!(documents, ["resume", "cover_letter", "cover_letter", "cover_letter", "cover_letter"]);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invented_employer_or_number_in_the_models_letter_is_removed_and_counted() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script_for(
        Call::CoverLetter,
        [Reply::transform(|letter| {
            let paragraphs = letter["paragraphs"].as_array_mut().unwrap();
            let own = paragraphs[1].as_str().unwrap().to_owned();
            paragraphs[1] = json!(format!(
                "{own} Before that I ran Invented Employer Ltd for years. I cut costs by 73% in one quarter."
            ));
        })],
    );
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let (candidate, target) = system.candidate_with_target("ada").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf", "document": "cover_letter"});
    let job = generated(&system, "ada", body).await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{job}");
    let text = squeezed(&text_of(&system, "ada", &job).await?);
    assert!(!text.contains("Invented") && !text.contains("73"), "{text}");
    assert!(text.contains("As Programmer at Analytical Engines Ltd"), "the rest of the paragraph stays: {text}");
    let job_id = job["job_id"].as_str().unwrap();
    let (_, content) = system.get("ada", &format!("/api/resume-async/content/{job_id}")).await?;
    assert_eq!(content["document"], "cover_letter");
    assert!(!content["content"]["paragraphs"][1].as_str().unwrap().contains("Invented"), "{content}");

    // Both removals are counted, on the job's timeline.
    let (status, detail) = system.get_with_roles("ops", &["ops"], &format!("/api/admin/jobs/{job_id}")).await?;
    assert_eq!(status, 200, "{detail}");
    let succeeded = detail["events"].as_array().unwrap().iter().find(|e| e["kind"] == "succeeded").expect("succeeded");
    assert!(succeeded["detail"].as_str().unwrap().ends_with("; repaired: letter_fact ×2"), "{succeeded}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_letter_names_the_postings_company_and_a_general_one_none() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate, target) = system.candidate_with_target("off").await?;
    let body =
        json!({"candidate_id": candidate, "job_row_id": target, "file_type": "text", "document": "cover_letter"});
    let job = generated(&system, "off", body).await?;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    let text = text_of(&system, "off", &job).await?;
    assert!(text.contains("Dear Babbage & Co hiring team,"), "{text}");
    assert!(text.contains("I am writing to apply for the Backend Engineer position at Babbage & Co."), "{text}");
    // The most recent roles with their own facts, the skills the posting names.
    assert!(text.contains("I work as Programmer at Analytical Engines Ltd (Jan 2020 – Present)."), "{text}");
    assert!(text.contains("Before that, I was Assistant at Difference Works (Mar 2018 – Dec 2019)."), "{text}");
    assert!(text.contains("The role asks for what I work with: Rust and PostgreSQL."), "{text}");

    let general = json!({"candidate_id": candidate, "file_type": "text", "document": "cover_letter"});
    let job = generated(&system, "off", general).await?;
    let text = text_of(&system, "off", &job).await?;
    assert!(text.contains("Dear hiring manager,") && !text.contains("Babbage"), "{text}");

    let (status, error) = system
        .post("off", "/api/resume-async/generate-async", json!({"candidate_id": candidate, "document": "memo"}))
        .await?;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["message"], "document must be \"resume\" or \"cover_letter\"");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_is_edited_and_rendered_again_within_the_fact_rule() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate, target) = system.candidate_with_target("ed").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf", "document": "cover_letter"});
    let source = generated(&system, "ed", body).await?;
    let (status, body) =
        system.get("ed", &format!("/api/resume-async/content/{}", source["job_id"].as_str().unwrap())).await?;
    assert_eq!((status, body["document"].as_str()), (200, Some("cover_letter")), "{body}");
    let mut letter = body["content"].clone();
    assert_eq!(letter["signature"], "Ada Lovelace");
    letter["paragraphs"][0] = json!("I would love to build services in Rust at Babbage & Co.");
    let render = |content: &Value, file_type: &str| json!({"job_id": source["job_id"], "document": "cover_letter", "content": content, "file_type": file_type});
    for (file_type, _) in FORMATS {
        let (status, job) = system.post("ed", "/api/resume-async/render", render(&letter, file_type)).await?;
        assert_eq!(status, 202, "{job}");
        let job = system.poll_until_done("ed", job["job_id"].as_str().unwrap()).await?.pop().unwrap();
        assert_eq!(
            (job["status"].as_str(), job["document"].as_str()),
            (Some("SUCCESS"), Some("cover_letter")),
            "{job}"
        );
        assert_eq!(job["edited_from"], source["job_id"]);
        let text = squeezed(&text_of(&system, "ed", &job).await?);
        let edit = if file_type == "markdown" { "Babbage \\& Co." } else { "Babbage & Co." };
        assert!(text.contains(&format!("I would love to build services in Rust at {edit}")), "{file_type}: {text}");
    }

    // Sent without `document`, a letter's content is read as a letter's (its shape says so).
    let (status, job) =
        system.post("ed", "/api/resume-async/render", json!({"job_id": source["job_id"], "content": letter})).await?;
    assert_eq!((status, job["document"].as_str()), (202, Some("cover_letter")), "{job}");

    // An edit may not name what the candidate's data lacks, nor sign as someone else.
    let mut invented = letter.clone();
    invented["paragraphs"][1] = json!("At Globex Corporation I tripled revenue.");
    let (status, error) = system.post("ed", "/api/resume-async/render", render(&invented, "pdf")).await?;
    assert_eq!(status, 400, "{error}");
    assert_eq!(
        error["error"]["message"],
        "content.paragraphs[1] names \"Globex\", which is not in the candidate's data"
    );
    let mut number = letter.clone();
    number["paragraphs"][1] = json!("I led 40 engineers.");
    let (status, error) = system.post("ed", "/api/resume-async/render", render(&number, "pdf")).await?;
    assert_eq!(status, 400);
    assert_eq!(
        error["error"]["message"],
        "content.paragraphs[1] names the number 40, which is not in the candidate's data"
    );
    let mut signed = letter.clone();
    signed["signature"] = json!("Grace Hopper");
    let (status, error) = system.post("ed", "/api/resume-async/render", render(&signed, "pdf")).await?;
    assert_eq!((status, error["error"]["message"].as_str()), (400, Some("content.signature must be \"Ada Lovelace\"")));
    // The edit is of the job's own document.
    let resume = json!({"job_id": source["job_id"], "content": {"full_name": "Ada Lovelace"}});
    let (status, error) = system.post("ed", "/api/resume-async/render", resume).await?;
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().starts_with("document must be \"cover_letter\""), "{error}");
    let (status, error) = system
        .post(
            "ed",
            "/api/resume-async/render",
            json!({"job_id": source["job_id"], "document": "cover_letter", "content": {"full_name": "Ada"}}),
        )
        .await?;
    assert_eq!(status, 400);
    assert!(error["error"]["message"].as_str().unwrap().starts_with("content.full_name: unknown field"), "{error}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymised_resumes_and_letters_name_nobody_and_have_keys_of_their_own() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate, target) = system.candidate_with_target("agency").await?;
    let given = sample_candidate();
    let secrets = ["Ada", "Lovelace", "ada@example.com", "+44 20 0000 0000", "github.com", "London, UK"];
    for document in ["resume", "cover_letter"] {
        // The plain one first: the anonymised one must not be served from its cache.
        let plain = generated(
            &system,
            "agency",
            json!({"candidate_id": candidate, "job_row_id": target,
            "file_type": "pdf", "document": document}),
        )
        .await?;
        assert!(squeezed(&text_of(&system, "agency", &plain).await?).contains("Ada Lovelace"));
        // PDF first: the same request as the plain one but for `anonymize` (the later formats
        // reuse the anonymised content, a cache hit of its own variant).
        let mut formats = FORMATS;
        formats.swap(0, 1);
        for (file_type, extension) in formats {
            let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": file_type,
                              "document": document, "anonymize": true});
            let job = generated(&system, "agency", body).await?;
            assert_eq!((job["status"].as_str(), job["anonymize"].as_bool()), (Some("SUCCESS"), Some(true)), "{job}");
            if file_type == "pdf" {
                assert_eq!(job["cache_hit"], false, "{document}: served from the plain variant's cache");
            }
            let what = if document == "resume" { "Resume" } else { "Cover_Letter" };
            assert_eq!(job["filename"], format!("Candidate_A_L_{what}.{extension}"));
            let text = squeezed(&text_of(&system, "agency", &job).await?);
            for secret in secrets {
                assert!(!text.contains(secret), "{document} {file_type} shows {secret}: {text}");
            }
            assert!(text.contains("Candidate A.L."), "{document} {file_type}: {text}");
            // The facts stay.
            assert!(text.contains(given["experience"][0]["company"].as_str().unwrap()), "{text}");
        }
        // The same anonymised request again is a cache hit of its own.
        let again = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf",
                           "document": document, "anonymize": true});
        let (status, hit) = system.post("agency", "/api/resume-async/generate-async", again).await?;
        assert_eq!((status, hit["cache_hit"].as_bool()), (202, Some(true)), "{hit}");
    }
    system.stop().await
}
