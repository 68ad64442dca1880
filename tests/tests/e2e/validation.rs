//! Bad input: the contract's status and an error body naming the problem.

use e2e::{Db, System, sample_candidate};
use serde_json::{Value, json};

async fn post_raw(system: &System, path: &str, body: impl Into<reqwest::Body>) -> anyhow::Result<(u16, Value)> {
    let response = system
        .http
        .post(system.url(path))
        .bearer_auth(system.token("val"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    Ok((response.status().as_u16(), response.json().await.unwrap_or(Value::Null)))
}

fn assert_error(answer: &(u16, Value), status: u16, code: &str, mentions: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(mentions), "{message:?} should mention {mentions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_name_the_problem() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 0).await?;
    let (candidate, _) = system.candidate_with_target("val").await?;
    let generate = "/api/resume-async/generate-async";

    let answer = system.post("val", generate, json!({"candidate_id": candidate, "file_type": "txt"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "file_type must be \"word\", \"pdf\", \"text\" or \"markdown\"");
    let answer = system.post("val", generate, json!({"candidate_id": candidate, "priority": "urgent"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "priority");
    let answer = system.post("val", generate, json!({"candidate_id": candidate, "colour": "red"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "colour");
    let answer = system.post("val", generate, json!({"candidate_id": "seven"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "candidate_id");
    let answer = system.post("val", generate, json!({"file_type": "word"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "candidate_id");
    let answer = post_raw(&system, generate, "{not json").await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "not valid JSON");
    let answer = post_raw(&system, generate, vec![b' '; 1024 * 1024 + 10]).await?;
    assert_error(&answer, 413, "INVALID_ARGUMENT", "1 MiB");
    let answer = system.post("val", generate, json!({"candidate_id": 987654})).await?;
    assert_error(&answer, 404, "NOT_FOUND", "candidate 987654");
    let answer = system.post("val", generate, json!({"candidate_id": candidate, "job_row_id": 555})).await?;
    assert_error(&answer, 404, "NOT_FOUND", "job_row_id 555");
    let answer = system.post("val", generate, json!({"candidate_id": -3})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "candidate_id");

    let mut candidate_body = sample_candidate();
    candidate_body["experience"][0]["start"] = json!("last spring");
    let answer = system.post("val", "/api/candidates", candidate_body).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "experience[0].start");
    let answer = system.post("val", "/api/candidates", json!({"email": "x@example.com"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "full_name");
    let answer = system.post("val", "/api/candidates", json!({"full_name": "A", "skills": "Rust"})).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "skills");

    let answer = system.get("val", "/api/candidates/abc").await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "id must be an integer");
    let answer = system.get("val", "/api/resume-async/job-status/not-a-uuid").await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "job_id");
    let missing = uuid::Uuid::now_v7();
    let answer = system.get("val", &format!("/api/resume-async/job-status/{missing}")).await?;
    assert_error(&answer, 404, "NOT_FOUND", "not found");
    let answer = system.get("val", "/api/resume-async/my-jobs?limit=500").await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "limit");
    let answer = system.get("val", "/api/resume-async/my-jobs?limit=lots").await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "limit");
    let answer = system.get("val", "/api/resume-async/my-jobs?status=DONE").await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "status");
    let answer = system.get("val", "/api/nowhere").await?;
    assert_error(&answer, 404, "NOT_FOUND", "/api/nowhere");
    system.stop().await
}

/// Text with a control character is refused, naming its field, on the database that cannot
/// store a NUL (it answered 503 "the database is unavailable; try again" there, forever);
/// a tab and line breaks are text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_naming_the_field() -> anyhow::Result<()> {
    let system = System::start(Db::Postgres, 0).await?;
    let (candidate, _) = system.candidate_with_target("ctl").await?;
    let opening = json!({"title": "Backend\u{0} Engineer", "company": "Initech", "description": "Build it.",
                         "location": "Berlin"});
    let answer = system.post("ctl", "/api/openings", opening).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "title must not contain control characters");
    let target = json!({"title": "Engineer", "description": "Ring\u{7} the bell"});
    let answer = system.post("ctl", &format!("/api/candidates/{candidate}/jobs"), target).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "description must not contain control characters");
    let mut body = sample_candidate();
    body["full_name"] = json!("Ada \u{1b}[31mLovelace");
    let answer = system.post("ctl", "/api/candidates", body).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "full_name must not contain control characters");
    let mut body = sample_candidate();
    body["email"] = json!("ada\u{0}@example.com");
    let answer = system.post("ctl", "/api/candidates", body).await?;
    assert_error(&answer, 400, "INVALID_ARGUMENT", "email");

    let mut body = sample_candidate();
    body["summary"] = json!("Two lines,\r\n\tand a tab.");
    let (status, saved) = system.post("ctl", "/api/candidates", body).await?;
    assert_eq!((status, saved["summary"].as_str()), (201, Some("Two lines,\r\n\tand a tab.")), "{saved}");
    system.stop().await
}
