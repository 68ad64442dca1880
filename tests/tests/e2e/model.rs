//! The model path against the fake OpenAI-compatible server: two concurrent calls per
//! resume, retries on transient failures with our own backoff, permanent failures at once.

use std::time::Duration;

use e2e::{
    Db, Options, PATIENCE, System, docx_text, eventually,
    fake_model::{API_KEY, FakeModel, Reply},
};
use serde_json::{Value, json};

/// A system whose workers ask `model`, with the result cache off so that every job
/// calls the model.
async fn system_with_model(model: &FakeModel, base_delay_ms: u64, workers: usize) -> anyhow::Result<System> {
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: base_delay_ms,
        max_attempts: 3,
        result_cache_ttl_secs: 0,
        ..Options::default()
    };
    System::start_with(Db::Sqlite, workers, options).await
}

async fn generate(system: &System, user: &str) -> anyhow::Result<Value> {
    let (candidate, target) = system.candidate_with_target(user).await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let (status, job) = system.post(user, "/api/resume-async/generate-async", body).await?;
    anyhow::ensure!(status == 202, "{status} {job}");
    let seen = system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?;
    Ok(seen.last().unwrap().clone())
}

fn main_calls(model: &FakeModel) -> Vec<std::time::Instant> {
    model.seen().into_iter().filter(|s| s.schema == "resume_main").map(|s| s.at).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_calls_make_one_tailored_resume() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_millis(300));
    let system = system_with_model(&model, 50, 1).await?;
    let job = generate(&system, "modeller").await?;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    assert_eq!(job["attempts"], 1);
    assert_eq!(job["prompt_tokens"], 240);
    assert_eq!(job["completion_tokens"], 60);
    assert!(job["generation_ms"].as_i64().unwrap() >= 300, "{job}");

    let seen = model.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let mut schemas: Vec<&str> = seen.iter().map(|s| s.schema.as_str()).collect();
    schemas.sort();
    assert_eq!(schemas, ["resume_experience", "resume_main"]);
    assert_eq!(model.max_in_flight(), 2, "the two calls did not overlap");
    assert!(seen.iter().all(|s| s.authorization == format!("Bearer {API_KEY}") && s.model == "fake-model"));

    let response = system.download("modeller", &job).await?;
    let (text, _) = docx_text(&response.bytes().await?)?;
    for expected in [
        "Model headline for the target",
        "Model summary built from the candidate's facts.",
        "Rephrased: Built a Rust service on PostgreSQL",
        "PostgreSQL · Rust · Poetry · Mathematics",
        "Analytical Engines Ltd",
        "University of London",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_compatible_server_that_does_not_stream_is_read_all_the_same() -> anyhow::Result<()> {
    // This server answers every request, a stream's too, with one whole pretty-printed
    // reply of only `choices` (no index, role or finish reason) and `usage`: read so whether
    // the worker asks for streams (the default) or not.
    let model = FakeModel::start().await?;
    model.answer_plainly();
    for stream in [true, false] {
        let options = Options {
            model_url: Some(model.url.clone()),
            model_stream_off: !stream,
            result_cache_ttl_secs: 0,
            ..Options::default()
        };
        let system = System::start_with(Db::Sqlite, 1, options).await?;
        let calls_before = model.seen().len();
        let job = generate(&system, "plain").await?;
        assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{job}");
        assert_eq!((job["prompt_tokens"].as_i64(), job["completion_tokens"].as_i64()), (Some(240), Some(60)), "{job}");
        let seen = model.seen();
        assert!(seen[calls_before..].iter().all(|s| s.stream == stream), "streams asked for: {stream}");
        let (text, _) = docx_text(&system.download("plain", &job).await?.bytes().await?)?;
        for expected in ["Model headline for the target", "Rephrased: Built a Rust service on PostgreSQL"] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        system.stop().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_growing_pauses() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::Status(500, None), Reply::Status(502, None)]);
    let system = system_with_model(&model, 150, 1).await?;
    let job = generate(&system, "retrier").await?;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    assert_eq!(job["attempts"], 3);
    let calls = main_calls(&model);
    assert_eq!(calls.len(), 3);
    assert!(calls[1] - calls[0] >= Duration::from_millis(150), "first pause {:?}", calls[1] - calls[0]);
    assert!(calls[2] - calls[1] >= Duration::from_millis(300), "second pause {:?}", calls[2] - calls[1]);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::Status(429, Some("1"))]);
    let system = system_with_model(&model, 10, 1).await?;
    let job = generate(&system, "limited").await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(2)), "{job}");
    let calls = main_calls(&model);
    assert!(calls[1] - calls[0] >= Duration::from_millis(1000), "waited only {:?}", calls[1] - calls[0]);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_fails_at_once_without_leaking_it() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::Status(401, None)]);
    let system = system_with_model(&model, 10, 1).await?;
    let job = generate(&system, "keyless").await?;
    assert_eq!(job["status"], "FAILURE", "{job}");
    assert_eq!(job["attempts"], 1);
    let message = job["error_message"].as_str().unwrap();
    assert!(message.contains("credentials"), "{message}");
    assert!(!message.contains(API_KEY) && !message.contains("upstream"), "{message}");
    assert_eq!(main_calls(&model).len(), 1);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_output_is_retried_and_exhaustion_fails_clearly() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::NotJson]);
    let system = system_with_model(&model, 10, 1).await?;
    let job = generate(&system, "garbled").await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(2)), "{job}");

    model.script([Reply::Status(503, None), Reply::Status(503, None), Reply::Status(503, None)]);
    let job = generate(&system, "garbled").await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("FAILURE"), Some(3)), "{job}");
    assert!(job["error_message"].as_str().unwrap().contains("after 3 attempts"), "{job}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_retry_does_not_hold_the_slot() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    // A pause long enough for the second job to run inside it on a slow machine.
    model.script([Reply::Status(429, Some("10"))]);
    let mut system = system_with_model(&model, 10, 0).await?;
    system.start_worker(1);
    let (candidate, _) = system.candidate_with_target("patient").await?;
    let (_, first) =
        system.post("patient", "/api/resume-async/generate-async", json!({"candidate_id": candidate})).await?;
    eventually("the first job's first model call", PATIENCE, || async {
        Ok((!main_calls(&model).is_empty()).then_some(()))
    })
    .await?;
    let (_, second) =
        system.post("patient", "/api/resume-async/generate-async", json!({"candidate_id": candidate})).await?;
    let second = system.poll_until_done("patient", second["job_id"].as_str().unwrap()).await?;
    let first = system.poll_until_done("patient", first["job_id"].as_str().unwrap()).await?;
    let (first, second) = (first.last().unwrap(), second.last().unwrap());
    assert_eq!((first["status"].as_str(), second["status"].as_str()), (Some("SUCCESS"), Some("SUCCESS")));
    assert!(
        second["completed_at"].as_str() < first["completed_at"].as_str(),
        "the one-slot worker sat out the retry pause: {first} {second}"
    );
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_model_shows_its_progress_steps() -> anyhow::Result<()> {
    use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};
    use tokio_stream::StreamExt;
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_millis(300));
    let system = system_with_model(&model, 50, 1).await?;
    let (candidate, target) = system.candidate_with_target("patient").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let (status, job) = system.post("patient", "/api/resume-async/generate-async", body).await?;
    assert_eq!(status, 202, "{job}");
    let watch = v1::WatchJobRequest { job_id: job["job_id"].as_str().unwrap().to_owned() };
    let mut updates =
        ResumeServiceClient::new(system.channel().await?).watch_job(system.grpc_request("patient", watch)).await?;
    let mut progress = Vec::new();
    while let Some(update) = updates.get_mut().next().await {
        progress.push(update?.job.map(|j| j.progress).unwrap_or_default());
    }
    // Claimed (10), the reply coming after 300 ms (11 to 85), done (100); steps of a few
    // ms apart are not reported separately.
    assert!(progress.contains(&10) && progress.iter().any(|p| (11..=85).contains(p)), "{progress:?}");
    assert_eq!(progress.last(), Some(&100), "{progress:?}");
    system.stop().await
}
