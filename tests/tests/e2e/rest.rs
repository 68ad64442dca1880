//! The whole path over REST: candidate, target job, generate, poll, download, open.

use e2e::{Db, PATIENCE, System, docx_part, docx_text, eventually, sample_candidate};
use serde_json::{Value, json};

async fn generate_and_download(db: Db) -> anyhow::Result<()> {
    let system = System::start(db, 1).await?;
    let (candidate_id, job_row_id) = system.candidate_with_target("ada-owner").await?;

    let body =
        json!({"candidate_id": candidate_id, "job_row_id": job_row_id, "file_type": "word", "priority": "default"});
    let (status, job) = system.post("ada-owner", "/api/resume-async/generate-async", body).await?;
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["status"], "PENDING");
    assert_eq!(job["progress"], 0);
    assert_eq!(job["file_type"], "word");
    assert_eq!(job["candidate_id"], candidate_id);
    assert_eq!(job["job_row_id"], job_row_id);
    assert_eq!(job["result_url"], Value::Null);
    // Absent values are null (the contract's Job), a time taken among them until it is taken.
    assert_eq!(job["generation_ms"], Value::Null);
    assert_eq!(job["completed_at"], Value::Null);
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    uuid::Uuid::parse_str(&job_id)?;

    let seen = system.poll_until_done("ada-owner", &job_id).await?;
    let progress: Vec<i64> = seen.iter().map(|j| j["progress"].as_i64().unwrap()).collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "progress went backwards: {progress:?}");
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "SUCCESS", "{last}");
    assert_eq!(last["progress"], 100);
    assert_eq!(last["attempts"], 1);
    assert_eq!(last["cache_hit"], false);
    assert_eq!(last["filename"], "Ada_Lovelace_Resume.docx");
    assert_eq!(last["result_url"], format!("/api/resume-async/download/{job_id}"));
    assert_eq!(last["error_message"], Value::Null);
    assert!(last["generation_ms"].is_i64(), "{last}");
    assert!(seen.iter().filter(|j| j["status"] != "SUCCESS").all(|j| j["generation_ms"].is_null()), "{seen:?}");
    for time in ["created_at", "started_at", "completed_at"] {
        let t = last[time].as_str().unwrap_or_else(|| panic!("{time} missing: {last}"));
        assert!(t.ends_with('Z'), "{time} = {t}");
        chrono::DateTime::parse_from_rfc3339(t)?;
    }

    let response = system.download("ada-owner", last).await?;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_eq!(headers["content-disposition"], "attachment; filename=\"Ada_Lovelace_Resume.docx\"");
    let bytes = response.bytes().await?;
    let (text, xml) = docx_text(&bytes)?;
    for expected in [
        "Ada Lovelace",
        "ada@example.com",
        "Analytical Engines Ltd",
        "Difference Works",
        "Experience",
        "Skills",
        "Education",
        "University of London",
        "Certifications",
        "Certified Engine Operator",
        "Translated Menabrea's memoir",
        "Jan 2020 – Present",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    // Tailored: the skills and highlight the target job asks for come first.
    assert!(text.contains("Rust · PostgreSQL · Mathematics · Poetry"), "{text}");
    let rust = text.find("Built a Rust service").unwrap();
    let memoir = text.find("Translated Menabrea").unwrap();
    assert!(rust < memoir, "matching highlight not first:\n{text}");
    // Real bullets and a real link, not drawn characters.
    assert!(xml.contains("<w:numId w:val=\"1\"/>"), "no numbered bullet list");
    assert!(xml.contains("<w:hyperlink r:id="), "no hyperlink");
    assert!(!text.contains('•'));
    // What other tools read: the document's title and author, and a default paragraph style.
    let core = docx_part(&bytes, "docProps/core.xml")?;
    assert!(core.contains("<dc:title>Ada Lovelace — Resume</dc:title>"), "{core}");
    assert!(docx_part(&bytes, "word/styles.xml")?.contains("w:styleId=\"Normal\" w:default=\"true\""));

    // The operators' view counts it.
    let admin =
        system.token_with(json!({"sub": "ops", "exp": chrono::Utc::now().timestamp() + 60, "roles": ["admin"]}));
    let stats: Value = system.http.get(system.url("/api/admin/stats")).bearer_auth(&admin).send().await?.json().await?;
    assert_eq!((stats["succeeded"].as_i64(), stats["failed"].as_i64()), (Some(1), Some(0)), "{stats}");
    assert_eq!((stats["cache_hits"].as_i64(), stats["jobs_last_minute"].as_i64()), (Some(0), Some(1)), "{stats}");
    assert!(stats["avg_duration_ms"].as_f64().unwrap() > 0.0, "{stats}");
    assert_eq!(stats["retention_days"], 30, "what the console says it keeps");
    let queues: Value =
        system.http.get(system.url("/api/admin/queues")).bearer_auth(&admin).send().await?.json().await?;
    assert_eq!(
        queues["queues"][1],
        json!({"name": "resume_generation", "pending": 0, "in_progress": 0, "paused": false, "waiting_by_owner": []})
    );

    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_and_download_on_sqlite() -> anyhow::Result<()> {
    generate_and_download(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_and_download_on_postgres() -> anyhow::Result<()> {
    generate_and_download(Db::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_events_stream_every_change_and_close() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate_id, _) = system.candidate_with_target("sse-user").await?;
    let (_, job) =
        system.post("sse-user", "/api/resume-async/generate-async", json!({"candidate_id": candidate_id})).await?;
    // The stream ends by itself after the terminal event.
    let events = system.job_events("sse-user", job["job_id"].as_str().unwrap()).await?;
    let progress: Vec<i64> = events.iter().map(|e| e["progress"].as_i64().unwrap()).collect();
    assert!(progress.windows(2).all(|w| w[0] < w[1] || w[0] == 100), "{progress:?}");
    assert_eq!(events.last().unwrap()["status"], "SUCCESS");
    assert_eq!(events.last().unwrap()["progress"], 100);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_listing() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let response = system.http.get(system.url("/api/healthz")).send().await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await?, json!({"status": "ok"}));

    let response = system.http.get(system.url("/api/openapi.json")).send().await?;
    assert_eq!(response.status(), 200);
    let spec: Value = response.json().await?;
    assert!(spec["paths"]["/api/resume-async/generate-async"]["post"].is_object());

    // The worker registers with its first heartbeat.
    let ready = eventually("readyz to count the worker", PATIENCE, || async {
        let ready: Value = system.http.get(system.url("/api/readyz")).send().await?.json().await?;
        Ok((ready["checks"]["workers"] == 1).then_some(ready))
    })
    .await?;
    // No model is configured here: the offline generator makes the resumes.
    assert_eq!(
        ready,
        json!({"status": "ok", "checks": {"database": "ok", "redis": "ok", "workers": 1},
               "paused_queues": [], "model_configured": false})
    );
    let admin =
        system.token_with(json!({"sub": "ops", "exp": chrono::Utc::now().timestamp() + 60, "roles": ["admin"]}));
    let workers: Value =
        system.http.get(system.url("/api/admin/workers")).bearer_auth(admin).send().await?.json().await?;
    let workers = workers["workers"].as_array().expect("a worker list");
    assert_eq!(workers.len(), 1, "{workers:?}");
    assert_eq!(workers[0]["concurrency"], 2);
    assert!(workers[0]["id"].as_str().unwrap().starts_with("test-worker-"));
    assert!(workers[0]["last_heartbeat"].as_str().unwrap().ends_with('Z'));

    let (a, _) = system.candidate_with_target("lister").await?;
    let (b, _) = system.candidate_with_target("lister").await?;
    // Newest first, as every list.
    let (status, page) = system.get("lister", "/api/candidates?limit=1").await?;
    assert_eq!(status, 200);
    assert_eq!(page["candidates"][0]["id"], b);
    let token = page["next_page_token"].as_str().unwrap();
    let (_, page) = system.get("lister", &format!("/api/candidates?limit=1&page_token={token}")).await?;
    assert_eq!(page["candidates"][0]["id"], a);
    assert_eq!(page["next_page_token"], Value::Null);
    // A token of the oldest-first order the list had before (the last id, bare) is refused,
    // not read backwards.
    let old = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b.to_string());
    let (status, error) = system.get("lister", &format!("/api/candidates?limit=1&page_token={old}")).await?;
    assert_eq!((status, &error["error"]["code"]), (400, &json!("INVALID_ARGUMENT")), "{error}");
    let (_, one) = system.get("lister", &format!("/api/candidates/{a}")).await?;
    assert_eq!(one["full_name"], "Ada Lovelace");
    assert_eq!(one["experience"][0]["end"], Value::Null);
    assert_eq!(one["certifications"][0]["year"], 2021);
    let (_, jobs) = system.get("lister", &format!("/api/candidates/{a}/jobs")).await?;
    assert_eq!(jobs["jobs"][0]["company"], "Babbage & Co");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_resume_comes_out_readable() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate_id, job_row_id) = system.candidate_with_target("pdf-user").await?;
    let body = json!({"candidate_id": candidate_id, "job_row_id": job_row_id, "file_type": "pdf"});
    let (_, job) = system.post("pdf-user", "/api/resume-async/generate-async", body).await?;
    let seen = system.poll_until_done("pdf-user", job["job_id"].as_str().unwrap()).await?;
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "SUCCESS", "{last}");
    assert_eq!(last["filename"], "Ada_Lovelace_Resume.pdf");
    let response = system.download("pdf-user", last).await?;
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let text = e2e::pdf_text(&response.bytes().await?)?;
    for expected in ["Ada Lovelace", "EXPERIENCE", "Analytical Engines Ltd", "University of London"] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    // A name beyond ASCII: the plain `filename=` is transliterated, `filename*` exact.
    let mut zoe = sample_candidate();
    zoe["full_name"] = json!("Zoë Ångström-Müller");
    let (_, created) = system.post("pdf-user", "/api/candidates", zoe).await?;
    let body = json!({"candidate_id": created["id"], "file_type": "pdf"});
    let (_, job) = system.post("pdf-user", "/api/resume-async/generate-async", body).await?;
    let seen = system.poll_until_done("pdf-user", job["job_id"].as_str().unwrap()).await?;
    let response = system.download("pdf-user", seen.last().unwrap()).await?;
    let disposition = response.headers()["content-disposition"].to_str()?.to_owned();
    assert_eq!(
        disposition,
        "attachment; filename=\"Zoe_Angstrom-Muller_Resume.pdf\"; \
         filename*=UTF-8''Zo%C3%AB_%C3%85ngstr%C3%B6m-M%C3%BCller_Resume.pdf"
    );

    // A virama is inside a word (शर्मा is not cut in two); a name written in syllables is
    // anonymised by its syllables' romanised initials, not by its first character (王, the
    // family name).
    for (name, anonymize, filename, shown) in [
        ("अनीता शर्मा", false, "अनीता_शर्मा_Resume.txt", "अनीता शर्मा"),
        ("王小明", true, "Candidate_W_X_M_Resume.txt", "Candidate W.X.M."),
    ] {
        let mut candidate = sample_candidate();
        candidate["full_name"] = json!(name);
        let (_, created) = system.post("pdf-user", "/api/candidates", candidate).await?;
        let body = json!({"candidate_id": created["id"], "file_type": "text", "anonymize": anonymize});
        let (_, job) = system.post("pdf-user", "/api/resume-async/generate-async", body).await?;
        let seen = system.poll_until_done("pdf-user", job["job_id"].as_str().unwrap()).await?;
        let done = seen.last().unwrap();
        assert_eq!(done["filename"], filename, "{done}");
        let text = system.download("pdf-user", done).await?.text().await?;
        assert!(text.contains(shown) && (!anonymize || !text.contains('王')), "{text}");
    }
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_and_markdown_resumes_come_out_as_text() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate_id, job_row_id) = system.candidate_with_target("plain-user").await?;
    for (file_type, filename, content_type, heading) in [
        ("text", "Ada_Lovelace_Resume.txt", "text/plain; charset=utf-8", "EXPERIENCE\n"),
        ("markdown", "Ada_Lovelace_Resume.md", "text/markdown; charset=utf-8", "## Experience\n"),
    ] {
        let body = json!({"candidate_id": candidate_id, "job_row_id": job_row_id, "file_type": file_type});
        let (status, job) = system.post("plain-user", "/api/resume-async/generate-async", body).await?;
        assert_eq!(status, 202, "{job}");
        let seen = system.poll_until_done("plain-user", job["job_id"].as_str().unwrap()).await?;
        let last = seen.last().unwrap();
        assert_eq!((last["status"].as_str(), last["filename"].as_str()), (Some("SUCCESS"), Some(filename)), "{last}");
        let response = system.download("plain-user", last).await?;
        assert_eq!(response.headers()["content-type"], content_type);
        let text = response.text().await?;
        for expected in ["Ada Lovelace", heading, "Analytical Engines Ltd", "Built a Rust service on PostgreSQL"] {
            assert!(text.contains(expected), "{file_type}: {expected:?} missing from:\n{text}");
        }
    }
    system.stop().await
}
