//! A model's imperfect reply never costs a resume: the fake model answers in the ways real
//! models stray from the prompt, and every job still succeeds on its first attempt with the
//! documented fallback, read back from the DOCX. Only a reply with nothing usable in it is
//! retried, and fails clearly once the attempts are spent.

use e2e::{
    Db, Options, System, docx_text,
    fake_model::{Call, FakeModel, Reply},
    sample_candidate,
};
use serde_json::{Value, json};

/// A system whose one worker asks `model`, cache off, retries 10 ms apart, the experience
/// in one call (never split: each scripted reply is the whole experience).
async fn system_with_model(model: &FakeModel) -> anyhow::Result<System> {
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: 10,
        max_attempts: 3,
        result_cache_ttl_secs: 0,
        model_max_parallel_calls: Some(2),
        ..Options::default()
    };
    System::start_with(Db::Sqlite, 1, options).await
}

/// The sample candidate with eight roles; role 5 has no highlights.
fn eight_roles() -> Value {
    let mut candidate = sample_candidate();
    candidate["experience"] = (1..=8)
        .map(|n| {
            let highlights =
                if n == 5 { json!([]) } else { json!([format!("Own bullet {n}a"), format!("Own bullet {n}b")]) };
            json!({"company": format!("Company {n}"), "title": format!("Title {n}"), "location": null,
                   "start": format!("20{:02}-01", 10 + n), "end": null, "highlights": highlights})
        })
        .collect();
    candidate
}

/// Generates a Word resume of `candidate` as `user`: the finished job and the DOCX text.
async fn generate(system: &System, user: &str, candidate: &Value) -> anyhow::Result<(Value, String)> {
    let (status, created) = system.post(user, "/api/candidates", candidate.clone()).await?;
    anyhow::ensure!(status == 201, "{status} {created}");
    let body = json!({"candidate_id": created["id"]});
    let (status, job) = system.post(user, "/api/resume-async/generate-async", body).await?;
    anyhow::ensure!(status == 202, "{status} {job}");
    let job = system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap();
    if job["status"] != "SUCCESS" {
        return Ok((job, String::new()));
    }
    let (text, _) = docx_text(&system.download(user, &job).await?.bytes().await?)?;
    Ok((job, text))
}

fn roles(answer: &mut Value) -> &mut Vec<Value> {
    answer["roles"].as_array_mut().expect("roles")
}

/// Asserts the job succeeded at once, and returns its text.
fn succeeded(job: &Value, text: String) -> String {
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{job}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imperfect_replies_keep_what_is_usable_and_fall_back_for_the_rest() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = system_with_model(&model).await?;
    let candidate = eight_roles();
    let user = "recruiter";

    // A role left out keeps the candidate's own bullets; the others are the model's.
    model.script_for(Call::Experience, [Reply::transform(|a| drop(roles(a).remove(1)))]);
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    assert!(text.contains("Own bullet 2a") && text.contains("Rephrased: Own bullet 1a"), "{text}");
    assert!(!text.contains("Rephrased: Own bullet 2a"), "{text}");

    // An entry for a role the candidate does not have is dropped.
    model.script_for(
        Call::Experience,
        [Reply::transform(|a| {
            roles(a).push(json!({"role": 9, "company": "Ghost Inc", "title": "Ghost", "highlights": ["Haunted"]}))
        })],
    );
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    assert!(!text.contains("Ghost") && !text.contains("Haunted"), "{text}");
    assert!(text.contains("Rephrased: Own bullet 8b"), "{text}");

    // Roles in reverse order are merged by their number: each role's bullets stay under it.
    model.script_for(Call::Experience, [Reply::transform(|a| roles(a).reverse())]);
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    for n in 1..8 {
        let (role, bullet, next) =
            (format!("Title {n}"), format!("Rephrased: Own bullet {n}a"), format!("Title {}", n + 1));
        let (role, next) = (text.find(&role).unwrap(), text.find(&next).unwrap());
        if n != 5 {
            let bullet = text.find(&bullet).unwrap_or_else(|| panic!("{bullet} missing:\n{text}"));
            assert!(role < bullet && bullet < next, "role {n}'s bullet is not under it:\n{text}");
        }
    }

    // Bullets written for the role that had none are dropped: they would be invented.
    model.script_for(
        Call::Experience,
        [Reply::transform(|a| {
            for role in roles(a) {
                role["highlights"].as_array_mut().unwrap().push(json!("Invented achievement"));
            }
        })],
    );
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    let role5 = &text[text.find("Title 5").unwrap()..text.find("Title 6").unwrap()];
    assert!(!role5.contains("Invented achievement"), "{role5}");
    assert!(text.contains("Invented achievement"), "the other roles may take a third bullet:\n{text}");

    // Two roles merged into one entry: all eight roles are still there, role 4 with its own bullets.
    model.script_for(
        Call::Experience,
        [Reply::transform(|a| {
            let merged = roles(a).remove(3);
            let third = &mut roles(a)[2];
            third["highlights"].as_array_mut().unwrap().extend(merged["highlights"].as_array().unwrap().clone());
        })],
    );
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    for n in 1..=8 {
        assert!(text.contains(&format!("Company {n}")), "role {n} is missing:\n{text}");
    }
    assert!(text.contains("Own bullet 4a") && text.contains("Rephrased: Own bullet 3a"), "{text}");

    // Too many bullets: the first ones are kept; an overlong one is cut at a word.
    model.script_for(
        Call::Experience,
        [Reply::transform(|a| {
            let first = &mut roles(a)[0];
            first["highlights"] = json!(["B1", "B2", "B3", "B4", "B5", "B6"]);
            roles(a)[1]["highlights"] = json!([format!("Long {}", "word ".repeat(150))]);
        })],
    );
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    assert!(text.contains("B4\n") && !text.contains("B5\n"), "{text}");
    let long = text.lines().find(|l| l.starts_with("Long word")).expect("the long bullet");
    assert!(long.chars().count() <= 500 && long.ends_with("word…"), "{long}");

    // A headline of 500 characters and an empty summary: the candidate's own are shown.
    model.script_for(
        Call::Main,
        [Reply::transform(|a| {
            a["headline"] = json!("H".repeat(500));
            a["summary"] = json!("");
        })],
    );
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    assert!(text.contains("Analytical engine programmer") && !text.contains("HHHH"), "{text}");
    assert!(text.contains("Mathematician who wrote the first published algorithm."), "{text}");
    assert!(text.contains("Rephrased: Own bullet 1a"), "the experience reply was still used:\n{text}");

    // Unknown skills are dropped and forgotten ones kept: the list is the candidate's.
    model.script_for(Call::Main, [Reply::transform(|a| a["skills"] = json!(["Rust", "Kubernetes"]))]);
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    assert!(text.contains("Rust · Mathematics · Poetry · PostgreSQL") && !text.contains("Kubernetes"), "{text}");

    // What names a fact the data lacks (an employer, an amount, a year, a head count) is
    // dropped: the headline falls back to the candidate's own, the summary keeps its other
    // sentence, and the role keeps the candidate's own bullets (each of the model's rewrote
    // one of them); the other roles keep the model's.
    model.script_for(
        Call::Main,
        [Reply::transform(|a| {
            a["headline"] = json!("Programmer formerly at Google");
            a["summary"] = json!("Model summary built from the candidate's facts. Previously a Principal Engineer at Google, saving $12M in 2011.");
        })],
    );
    model.script_for(
        Call::Experience,
        [Reply::transform(|a| roles(a)[0]["highlights"][0] = json!("Rephrased: led 300 engineers"))],
    );
    let (job, text) = generate(&system, user, &candidate).await?;
    let text = succeeded(&job, text);
    assert!(text.contains("Analytical engine programmer") && !text.contains("Google"), "{text}");
    assert!(text.contains("Model summary built from the candidate's facts.") && !text.contains("12M"), "{text}");
    assert!(text.contains("Own bullet 1b") && !text.contains("Rephrased: Own bullet 1b"), "{text}");
    assert!(text.contains("Rephrased: Own bullet 2a") && !text.contains("300"), "{text}");

    // Both calls share the system prompt and the data, and each ends with its own task.
    let seen = model.seen();
    let last = |schema: &str| seen.iter().rev().find(|s| s.schema == schema).expect("a call");
    let (main, experience) = (last("resume_main"), last("resume_experience"));
    assert_eq!(main.prefix, experience.prefix);
    assert_ne!(main.task, experience.task);
    assert!(main.task.contains("headline") && experience.task.contains("highlights"), "{main:?} {experience:?}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_with_nothing_usable_is_retried_then_fails_clearly() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = system_with_model(&model).await?;
    let candidate = sample_candidate();

    // Not the schema's shape at all, once: retried, and the second attempt succeeds.
    model.script_for(Call::Experience, [Reply::Body("{\"bullets\": \"none\"}".into())]);
    let (job, _) = generate(&system, "unlucky", &candidate).await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(2)), "{job}");

    // Not JSON on every attempt: FAILURE after three, saying so.
    model.script([Reply::NotJson, Reply::NotJson, Reply::NotJson]);
    let (job, _) = generate(&system, "unlucky", &candidate).await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("FAILURE"), Some(3)), "{job}");
    let message = job["error_message"].as_str().unwrap();
    assert!(message.contains("could not be read after 3 attempts"), "{message}");
    system.stop().await
}
