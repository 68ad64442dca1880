//! Authentication and per-user isolation, over REST and gRPC.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use e2e::{Db, System, sign};
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient, worker_service_client::WorkerServiceClient};
use serde_json::{Value, json};
use tonic::{Code, Request};

fn bad_tokens(system: &System) -> Vec<(&'static str, Option<String>)> {
    let now = chrono::Utc::now().timestamp();
    let expired = system.token_with(json!({"sub": "u", "exp": now - 60}));
    let wrong_key = sign("not-the-secret", &json!({"sub": "u", "exp": now + 3600}));
    // {"alg":"none"} with no signature.
    let none = format!(
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
        URL_SAFE_NO_PAD.encode(json!({"sub": "u", "exp": now + 3600}).to_string())
    );
    let not_yet = system.token_with(json!({"sub": "u", "exp": now + 3600, "nbf": now + 600}));
    let no_sub = system.token_with(json!({"exp": now + 3600}));
    vec![
        ("no token", None),
        ("garbage", Some("garbage".into())),
        ("expired", Some(expired)),
        ("not valid yet", Some(not_yet)),
        ("no sub", Some(no_sub)),
        ("wrong signature", Some(wrong_key)),
        ("alg none", Some(none)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_everywhere() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 0).await?;
    let mut resumes = ResumeServiceClient::new(system.channel().await?);
    for (what, token) in bad_tokens(&system) {
        let mut request = system.http.get(system.url("/api/resume-async/my-jobs"));
        if let Some(token) = &token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        assert_eq!(response.status(), 401, "{what}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"]["code"], "UNAUTHENTICATED", "{what}: {body}");
        let said = |words: &str| body["error"]["message"].as_str().is_some_and(|m| m.contains(words));
        assert!(what != "no sub" || said("lacks a required claim"), "{what}: {body}");
        assert!(what != "not valid yet" || said("not valid yet"), "{what}: {body}");

        let mut call = Request::new(v1::ListMyJobsRequest::default());
        if let Some(token) = &token {
            call.metadata_mut().insert("authorization", format!("Bearer {token}").parse()?);
        }
        let status = resumes.list_my_jobs(call).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{what}");
    }
    // A missing token is named before anything wrong with the request itself.
    for (method, path, body) in [
        (reqwest::Method::POST, "/api/candidates", "{}"),
        (reqwest::Method::POST, "/api/resume-async/generate-async", "not json"),
        (reqwest::Method::PUT, "/api/candidates/abc", "{}"),
        (reqwest::Method::GET, "/api/admin/jobs?since=yesterday", ""),
    ] {
        let response = system.http.request(method.clone(), system.url(path)).body(body).send().await?;
        assert_eq!(response.status(), 401, "{method} {path}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"], json!({"code": "UNAUTHENTICATED", "message": "missing bearer token"}), "{path}");
    }
    // Open routes stay open.
    for path in ["/api/healthz", "/api/readyz", "/api/openapi.json", "/api/auth/config"] {
        assert_eq!(system.http.get(system.url(path)).send().await?.status(), 200, "{path}");
    }
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_users_rows_do_not_exist_for_them() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate, target) = system.candidate_with_target("alice").await?;
    let (_, job) = system
        .post("alice", "/api/resume-async/generate-async", json!({"candidate_id": candidate, "job_row_id": target}))
        .await?;
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    system.poll_until_done("alice", &job_id).await?;

    let gets = [
        format!("/api/candidates/{candidate}"),
        format!("/api/candidates/{candidate}/jobs"),
        format!("/api/resume-async/job-status/{job_id}"),
        format!("/api/resume-async/download/{job_id}"),
        format!("/api/resume-async/job-events/{job_id}"),
    ];
    for path in &gets {
        let (status, body) = system.get("bob", path).await?;
        assert_eq!(status, 404, "GET {path}: {body}");
        assert_eq!(body["error"]["code"], "NOT_FOUND", "GET {path}");
    }
    let posts = [
        (format!("/api/candidates/{candidate}/jobs"), json!({"title": "t", "description": "d"})),
        ("/api/resume-async/generate-async".to_owned(), json!({"candidate_id": candidate})),
        (format!("/api/resume-async/cancel/{job_id}"), json!({})),
    ];
    for (path, body) in &posts {
        let (status, answer) = system.post("bob", path, body.clone()).await?;
        assert_eq!(status, 404, "POST {path}: {answer}");
    }
    // Bob may not aim his own candidate at Alice's target job either.
    let (bobs, _) = system.candidate_with_target("bob").await?;
    let (status, _) = system
        .post("bob", "/api/resume-async/generate-async", json!({"candidate_id": bobs, "job_row_id": target}))
        .await?;
    assert_eq!(status, 404);
    let (_, mine) = system.get("bob", "/api/resume-async/my-jobs").await?;
    assert_eq!(mine["jobs"], json!([]));
    let (_, listed) = system.get("bob", "/api/candidates").await?;
    assert_eq!(listed["candidates"].as_array().unwrap().len(), 1);

    // The same over gRPC.
    let mut resumes = ResumeServiceClient::new(system.channel().await?);
    let mut call = Request::new(v1::GetJobRequest { job_id: job_id.clone() });
    call.metadata_mut().insert("authorization", format!("Bearer {}", system.token("bob")).parse()?);
    assert_eq!(resumes.get_job(call).await.unwrap_err().code(), Code::NotFound);
    // Alice still sees it.
    let (status, _) = system.get("alice", &format!("/api/resume-async/job-status/{job_id}")).await?;
    assert_eq!(status, 200);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_tokens_cannot_act_as_workers_or_admins() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 0).await?;
    let mut workers = WorkerServiceClient::new(system.channel().await?);
    let mut call = Request::new(v1::ClaimTaskRequest {
        job_id: uuid::Uuid::now_v7().to_string(),
        worker_id: "x".into(),
        ..Default::default()
    });
    call.metadata_mut().insert("authorization", format!("Bearer {}", system.token("mallory")).parse()?);
    assert_eq!(workers.claim_task(call).await.unwrap_err().code(), Code::PermissionDenied);
    let call = Request::new(v1::FailTaskRequest::default());
    assert_eq!(workers.fail_task(call).await.unwrap_err().code(), Code::Unauthenticated);

    let (status, body) = system.get("mallory", "/api/admin/queues").await?;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("PERMISSION_DENIED")));
    let admin =
        system.token_with(json!({"sub": "root", "exp": chrono::Utc::now().timestamp() + 60, "roles": ["admin"]}));
    let response = system.http.get(system.url("/api/admin/queues")).bearer_auth(admin).send().await?;
    assert_eq!(response.status(), 200);
    let queues: Value = response.json().await?;
    assert_eq!(queues["queues"][0]["name"], "priority_high");
    assert_eq!(queues["queues"][1]["name"], "resume_generation");
    // The read-only role reads every operators' view.
    let ops =
        system.token_with(json!({"sub": "watcher", "exp": chrono::Utc::now().timestamp() + 60, "roles": ["ops"]}));
    for path in ["/api/admin/queues", "/api/admin/workers", "/api/admin/stats"] {
        let response = system.http.get(system.url(path)).bearer_auth(&ops).send().await?;
        assert_eq!(response.status(), 200, "{path}");
    }
    system.stop().await
}
