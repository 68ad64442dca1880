//! The result cache and in-flight deduplication, against the fake model.

use std::time::Duration;

use e2e::{
    Db, Options, System,
    fake_model::{FakeModel, Reply},
};
use fred::prelude::*;
use futures::TryStreamExt;
use serde_json::{Value, json};

async fn cached_system(model: &FakeModel) -> anyhow::Result<System> {
    System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await
}

async fn finish(system: &System, user: &str, job: &Value) -> anyhow::Result<Value> {
    Ok(system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.last().unwrap().clone())
}

async fn download(system: &System, user: &str, job: &Value) -> anyhow::Result<Vec<u8>> {
    Ok(system.download(user, job).await?.bytes().await?.to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_request_succeeds_at_submit_without_a_model_call() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = cached_system(&model).await?;
    let (candidate, target) = system.candidate_with_target("repeat").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"});
    let first = finish(&system, "repeat", &system.submit("repeat", &body).await?).await?;
    assert_eq!((first["status"].as_str(), first["cache_hit"].as_bool()), (Some("SUCCESS"), Some(false)));
    assert_eq!(model.seen().len(), 2);

    let second = system.submit("repeat", &body).await?;
    assert_eq!(second["status"], "SUCCESS", "{second}");
    assert_eq!(second["cache_hit"], true);
    assert_eq!(second["progress"], 100);
    assert_eq!(second["prompt_tokens"], 0);
    assert_eq!(second["filename"], "Ada_Lovelace_Resume.pdf");
    assert_ne!(second["job_id"], first["job_id"]);
    assert_eq!(model.seen().len(), 2, "the cache hit called the model");
    assert_eq!(download(&system, "repeat", &second).await?, download(&system, "repeat", &first).await?);

    // Another file type is another document of the same content: rendered from the
    // content cache, without a model call.
    let word = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "word"});
    let third = system.submit("repeat", &word).await?;
    assert_eq!(third["status"], "PENDING");
    let third = finish(&system, "repeat", &third).await?;
    assert_eq!((third["status"].as_str(), third["cache_hit"].as_bool()), (Some("SUCCESS"), Some(true)), "{third}");
    assert_eq!(model.seen().len(), 2, "Word after PDF called the model again");
    let (text, _) = e2e::docx_text(&download(&system, "repeat", &third).await?)?;
    assert!(text.contains("Model headline for the target"), "{text}");
    // ...and then that document is cached too.
    assert_eq!(system.submit("repeat", &word).await?["status"], "SUCCESS");
    // With Redis emptied, the content is still in the database (younger than
    // CONTENT_REUSE_DAYS): a third format is rendered from it, without a model call.
    let redis = system.redis().await?;
    let cached: Vec<fred::types::Key> =
        redis.scan_buffered(system.keys().cached("*"), Some(100), None).try_collect().await?;
    assert_eq!(cached.len(), 3, "one content and two documents");
    let _: i64 = redis.del(cached).await?;
    let text_body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "text"});
    let text = finish(&system, "repeat", &system.submit("repeat", &text_body).await?).await?;
    assert_eq!((text["status"].as_str(), text["cache_hit"].as_bool()), (Some("SUCCESS"), Some(true)), "{text}");
    assert_eq!(model.seen().len(), 2, "the database's content was not reused");
    let bytes = download(&system, "repeat", &text).await?;
    assert!(String::from_utf8(bytes)?.contains("Model headline for the target"));
    // A fresh variant still calls the model.
    let fresh = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "text", "fresh": true});
    assert_eq!(finish(&system, "repeat", &system.submit("repeat", &fresh).await?).await?["cache_hit"], false);
    assert_eq!(model.seen().len(), 4);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_make_one_resume() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_millis(400));
    let system = cached_system(&model).await?;
    let (candidate, target) = system.candidate_with_target("twins").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let a = system.submit("twins", &body).await?;
    let b = system.submit("twins", &body).await?;
    assert_eq!((a["status"].as_str(), b["status"].as_str()), (Some("PENDING"), Some("PENDING")));
    let (a, b) = (finish(&system, "twins", &a).await?, finish(&system, "twins", &b).await?);
    assert_eq!((a["status"].as_str(), b["status"].as_str()), (Some("SUCCESS"), Some("SUCCESS")), "{a} {b}");
    assert_eq!(model.seen().len(), 2, "{:?}", model.seen());
    let hits = [&a, &b].iter().filter(|j| j["cache_hit"] == true).count();
    assert_eq!(hits, 1, "{a} {b}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_first_fails_the_duplicate_does_the_work() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_millis(300));
    model.script([Reply::Status(400, None)]);
    let system = cached_system(&model).await?;
    let (candidate, target) = system.candidate_with_target("second").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let a = system.submit("second", &body).await?;
    let b = system.submit("second", &body).await?;
    let (a, b) = (finish(&system, "second", &a).await?, finish(&system, "second", &b).await?);
    let mut statuses = [a["status"].as_str().unwrap(), b["status"].as_str().unwrap()];
    statuses.sort();
    assert_eq!(statuses, ["FAILURE", "SUCCESS"], "{a} {b}");
    let succeeded = if a["status"] == "SUCCESS" { &a } else { &b };
    assert_eq!(succeeded["cache_hit"], false, "the second generated it itself");
    let main_calls = model.seen().iter().filter(|s| s.schema == "resume_main").count();
    assert_eq!(main_calls, 2);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn word_and_pdf_at_once_share_one_content() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_millis(400));
    let system = cached_system(&model).await?;
    let (candidate, target) = system.candidate_with_target("formats").await?;
    let word = system.submit("formats", &json!({"candidate_id": candidate, "job_row_id": target})).await?;
    let pdf =
        system.submit("formats", &json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"})).await?;
    let (word, pdf) = (finish(&system, "formats", &word).await?, finish(&system, "formats", &pdf).await?);
    assert_eq!((word["status"].as_str(), pdf["status"].as_str()), (Some("SUCCESS"), Some("SUCCESS")), "{word} {pdf}");
    assert_eq!(model.seen().len(), 2, "one model call per section, not per format");
    assert_eq!([&word, &pdf].iter().filter(|j| j["cache_hit"] == true).count(), 1, "{word} {pdf}");
    assert_eq!(pdf["filename"], "Ada_Lovelace_Resume.pdf");
    system.stop().await
}

async fn delete_candidate(system: &System, user: &str, id: i64) -> anyhow::Result<()> {
    let response =
        system.http.delete(system.url(&format!("/api/candidates/{id}"))).bearer_auth(system.token(user)).send().await?;
    anyhow::ensure!(response.status() == 204, "delete candidate {id}: {}", response.status());
    Ok(())
}

/// Every job that returns one document references one stored copy of its bytes; the copy
/// goes with the last job that returns it.
async fn documents_are_stored_once(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(db, 1, Options::on_model(&model.url)).await?;
    let (status, first) = system.post("doc", "/api/candidates", e2e::sample_candidate()).await?;
    assert_eq!(status, 201, "{first}");
    let body = json!({"candidate_id": first["id"], "file_type": "pdf"});
    let made = finish(&system, "doc", &system.submit("doc", &body).await?).await?;
    assert_eq!(made["status"], "SUCCESS", "{made}");
    for _ in 0..4 {
        assert_eq!(system.submit("doc", &body).await?["cache_hit"], true);
    }
    assert_eq!((system.rows("resume_file").await?, system.rows("resume_document").await?), (5, 1));
    // A second candidate with the same data makes the same request: the same document.
    let (_, second) = system.post("doc", "/api/candidates", e2e::sample_candidate()).await?;
    let other = system.submit("doc", &json!({"candidate_id": second["id"], "file_type": "pdf"})).await?;
    assert_eq!(other["cache_hit"], true, "{other}");
    assert_eq!((system.rows("resume_file").await?, system.rows("resume_document").await?), (6, 1));
    let bytes = download(&system, "doc", &made).await?;

    // Its first candidate gone, the document stays for the job that still returns it...
    delete_candidate(&system, "doc", first["id"].as_i64().unwrap()).await?;
    assert_eq!((system.rows("resume_file").await?, system.rows("resume_document").await?), (1, 1));
    assert_eq!(download(&system, "doc", &other).await?, bytes);
    // ...and goes with it.
    delete_candidate(&system, "doc", second["id"].as_i64().unwrap()).await?;
    assert_eq!((system.rows("resume_file").await?, system.rows("resume_document").await?), (0, 0));
    assert_eq!(model.seen().len(), 2, "one generation in all");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_stored_once_on_sqlite() -> anyhow::Result<()> {
    documents_are_stored_once(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_stored_once_on_postgres() -> anyhow::Result<()> {
    documents_are_stored_once(Db::Postgres).await
}

/// A template change gives every document a new key and leaves the content keys as they
/// are: with the documents' cache entries gone and the content's kept, the next request
/// renders again without a model call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_document_of_a_cached_content_costs_no_model_call() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = cached_system(&model).await?;
    let (candidate, target) = system.candidate_with_target("template").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"});
    let first = finish(&system, "template", &system.submit("template", &body).await?).await?;
    assert_eq!((first["status"].as_str(), model.seen().len()), (Some("SUCCESS"), 2));
    let redis = system.redis().await?;
    let cached: Vec<fred::types::Key> =
        redis.scan_buffered(system.keys().cached("*"), Some(100), None).try_collect().await?;
    let mut documents = Vec::new();
    for key in cached {
        let raw: Option<Vec<u8>> = redis.get(key.clone()).await?;
        let entry = resume_proto::redis::cache::decode(raw.as_deref()).expect("a cached resume");
        if !entry.content.is_empty() {
            documents.push(key);
        }
    }
    assert_eq!(documents.len(), 1, "one document beside the content");
    let _: i64 = redis.del(documents).await?;

    let again = system.submit("template", &body).await?;
    assert_eq!(again["status"], "PENDING", "the document was still cached: {again}");
    let again = finish(&system, "template", &again).await?;
    assert_eq!((again["status"].as_str(), again["cache_hit"].as_bool()), (Some("SUCCESS"), Some(true)), "{again}");
    assert_eq!(model.seen().len(), 2, "rendering a new document called the model");
    let text = e2e::pdf_text(&download(&system, "template", &again).await?)?;
    assert!(text.contains("Model headline for the target"), "{text}");
    system.stop().await
}
