//! The match report (`GET /api/resume-async/match/{job_id}`, `GetMatchReport`): a posting
//! naming ten tools, a candidate holding six, a resume showing four; an edit that shows one
//! more raises the score; what has no posting, or is not the caller's, is refused.

use e2e::{Db, Options, System, fake_model::FakeModel};
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};
use serde_json::{Value, json};

/// Ten tools, each named once, and no word repeated.
const POSTING: &str =
    "We run Rust, Go, PostgreSQL, Kubernetes, Docker, Terraform, Kafka, Redis, GraphQL and React in production.";

/// Four of the posting's tools as skills (every resume lists the candidate's skills), two
/// more only in the summary (which the fake model rewrites without them).
fn candidate() -> Value {
    json!({
        "full_name": "Grace Hopper",
        "summary": "Platform engineer who automates with Terraform and streams events through Kafka.",
        "skills": ["Rust", "Go", "PostgreSQL", "Kubernetes"],
        "experience": [{"company": "Harbor Systems", "title": "Platform Engineer", "start": "2021-02",
                        "highlights": ["Moved the billing services to a new cluster"]}],
        "education": [], "certifications": [], "links": []
    })
}

fn match_path(job_id: &str) -> String {
    format!("/api/resume-async/match/{job_id}")
}

/// The report's terms with `status`, sorted.
fn terms(report: &Value, status: &str) -> Vec<String> {
    let mut terms: Vec<String> = report["terms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == status)
        .map(|t| t["term"].as_str().unwrap().to_owned())
        .collect();
    terms.sort();
    terms
}

fn counts(report: &Value) -> (i64, i64, i64) {
    let n = |k: &str| report[k].as_i64().unwrap();
    (n("shown"), n("held_not_shown"), n("missing"))
}

/// Submits `body` as `user` and waits for the job to end; the job, which must be SUCCESS.
async fn finished(system: &System, user: &str, path: &str, body: Value) -> anyhow::Result<Value> {
    let (status, job) = system.post(user, path, body).await?;
    anyhow::ensure!(status == 202, "{path}: {status} {job}");
    let job = system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap();
    anyhow::ensure!(job["status"] == "SUCCESS", "{job}");
    Ok(job)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_shown_two_held_four_missing_and_an_edit_raises_it_on_sqlite() -> anyhow::Result<()> {
    four_shown_two_held_four_missing_and_an_edit_raises_it(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_shown_two_held_four_missing_and_an_edit_raises_it_on_postgres() -> anyhow::Result<()> {
    four_shown_two_held_four_missing_and_an_edit_raises_it(Db::Postgres).await
}

async fn four_shown_two_held_four_missing_and_an_edit_raises_it(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(db, 1, Options::on_model(&model.url)).await?;
    let (status, created) = system.post("grace", "/api/candidates", candidate()).await?;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let target = json!({"title": "Platform Engineer", "company": "Compilers Inc", "description": POSTING});
    let (status, target) = system.post("grace", &format!("/api/candidates/{id}/jobs"), target).await?;
    assert_eq!(status, 201, "{target}");
    let job_row_id = target["id"].as_i64().unwrap();
    let generate = json!({"candidate_id": id, "job_row_id": job_row_id, "file_type": "text"});
    let job = finished(&system, "grace", "/api/resume-async/generate-async", generate).await?;
    let job_id = job["job_id"].as_str().unwrap();

    // What the resume shows: the four skills, and a summary without Terraform or Kafka.
    let (_, content) = system.get("grace", &format!("/api/resume-async/content/{job_id}")).await?;
    let mut content = content["content"].clone();
    assert!(!content["summary"].as_str().unwrap_or_default().contains("Terraform"), "{content}");

    let (status, report) = system.get("grace", &match_path(job_id)).await?;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["job_id"].as_str(), report["job_row_id"].as_i64()), (Some(job_id), Some(job_row_id)));
    assert_eq!(counts(&report), (4, 2, 4), "{report}");
    assert_eq!(terms(&report, "shown"), ["Go", "Kubernetes", "PostgreSQL", "Rust"]);
    assert_eq!(terms(&report, "held_not_shown"), ["Kafka", "Terraform"]);
    assert_eq!(terms(&report, "missing"), ["Docker", "GraphQL", "React", "Redis"]);
    assert_eq!((report["score"].as_i64(), report["potential"].as_i64()), (Some(40), Some(60)));
    // The posting's order (each is named once), every term from the vocabulary.
    let order: Vec<&str> = report["terms"].as_array().unwrap().iter().map(|t| t["term"].as_str().unwrap()).collect();
    assert_eq!(
        order,
        ["Rust", "Go", "PostgreSQL", "Kubernetes", "Docker", "Terraform", "Kafka", "Redis", "GraphQL", "React"]
    );
    assert!(report["terms"].as_array().unwrap().iter().all(|t| t["source"] == "vocabulary" && t["mentions"] == 1));
    // The same inputs, the same report; no model call made it.
    let calls = model.seen().len();
    assert_eq!(system.get("grace", &match_path(job_id)).await?.1, report);
    assert_eq!(model.seen().len(), calls);

    // The same over gRPC.
    let mut client = ResumeServiceClient::new(system.channel().await?);
    let request = v1::GetMatchReportRequest { job_id: job_id.to_owned() };
    let grpc = client.get_match_report(system.grpc_request("grace", request.clone())).await?.into_inner();
    let grpc = grpc.report.expect("a report");
    assert_eq!((grpc.shown, grpc.held_not_shown, grpc.missing, grpc.score), (4, 2, 4, Some(40)));

    // An edit that shows Terraform: its own report, one more shown.
    content["summary"] = json!("Platform engineer who automates with Terraform.");
    let render = json!({"job_id": job_id, "content": content, "file_type": "text"});
    let edited = finished(&system, "grace", "/api/resume-async/render", render).await?;
    let edited_id = edited["job_id"].as_str().unwrap();
    let (status, raised) = system.get("grace", &match_path(edited_id)).await?;
    assert_eq!(status, 200, "{raised}");
    assert_eq!(raised["job_id"].as_str(), Some(edited_id));
    assert_eq!(counts(&raised), (5, 1, 4), "{raised}");
    assert_eq!(terms(&raised, "held_not_shown"), ["Kafka"]);
    assert_eq!(raised["score"].as_i64(), Some(50));
    assert!(raised["score"].as_i64() > report["score"].as_i64());
    // The first job's report is unchanged.
    assert_eq!(system.get("grace", &match_path(job_id)).await?.1, report);

    // Another user's job is not found, over REST and gRPC.
    assert_eq!(system.get("eve", &match_path(job_id)).await?.0, 404);
    let denied = client.get_match_report(system.grpc_request("eve", request)).await.unwrap_err();
    assert_eq!(denied.code(), tonic::Code::NotFound);
    let (status, error) = system.get("grace", &match_path("nope")).await?;
    assert_eq!((status, error["error"]["message"].as_str()), (400, Some("job_id must be a UUID")));

    // A general resume has no posting to match against.
    let general = json!({"candidate_id": id, "file_type": "text"});
    let general = finished(&system, "grace", "/api/resume-async/generate-async", general).await?;
    let (status, error) = system.get("grace", &match_path(general["job_id"].as_str().unwrap())).await?;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("FAILED_PRECONDITION")), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().ends_with("no posting to match against"), "{error}");

    // Nor has a resume whose target job was deleted (it is a general one now).
    let response = system
        .http
        .delete(system.url(&format!("/api/candidates/{id}/jobs/{job_row_id}")))
        .bearer_auth(system.token("grace"))
        .send()
        .await?;
    assert_eq!(response.status(), 204);
    let (status, error) = system.get("grace", &match_path(job_id)).await?;
    assert_eq!(status, 409, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().ends_with("no posting to match against"), "{error}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn there_is_no_report_before_success() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(std::time::Duration::from_secs(30));
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let (candidate, target) = system.candidate_with_target("slow").await?;
    let job = system.submit("slow", &json!({"candidate_id": candidate, "job_row_id": target})).await?;
    let (status, body) = system.get("slow", &match_path(job["job_id"].as_str().unwrap())).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("FAILED_PRECONDITION")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("once it is SUCCESS"), "{body}");
    // Not left running on the slow model.
    let cancel = format!("/api/resume-async/cancel/{}", job["job_id"].as_str().unwrap());
    assert_eq!(system.post("slow", &cancel, json!({})).await?.0, 200);
    system.stop().await
}
