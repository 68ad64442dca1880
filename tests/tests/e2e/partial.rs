//! A model call that answered is kept when its sibling fails: the next attempt sends only
//! the call that failed, the job's tokens count each answer once, and the answer travels
//! with the task, so a worker killed during a later attempt loses none of the earlier ones'
//! answers.

use std::{collections::HashMap, time::Duration};

use e2e::{
    Db, Options, System, docx_text,
    fake_model::{Call, FakeModel, Reply},
    sample_candidate,
};
use serde_json::{Value, json};

/// How long the experience call takes: long enough that a failed main-sections call
/// returns while it is still in flight (a sibling cancelled then would never be answered).
const SLOW: Duration = Duration::from_millis(300);

/// The sample candidate, made distinct by `n` (another prompt, another cache key), created
/// for `user`; its id.
async fn candidate(system: &System, user: &str, n: usize) -> anyhow::Result<i64> {
    let mut body = sample_candidate();
    body["headline"] = json!(format!("Analytical engine programmer, take {n}"));
    let (status, created) = system.post(user, "/api/candidates", body).await?;
    anyhow::ensure!(status == 201, "create candidate: {status} {created}");
    Ok(created["id"].as_i64().unwrap_or_default())
}

/// How many times the model saw each prompt (a call's schema and the data it was sent),
/// by schema.
fn prompts_seen(model: &FakeModel) -> HashMap<String, Vec<usize>> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for request in model.seen() {
        *seen.entry((request.schema, request.prefix.to_string())).or_default() += 1;
    }
    let mut by_schema: HashMap<String, Vec<usize>> = HashMap::new();
    for ((schema, _), times) in seen {
        by_schema.entry(schema).or_default().push(times);
    }
    by_schema
}

/// Waits until `done`, looking every 20 ms; fails after 30 s.
async fn until<F, Fut>(what: &str, mut done: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<bool>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done().await? {
        anyhow::ensure!(tokio::time::Instant::now() < deadline, "waited in vain until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

fn status_and_attempts(job: &Value) -> (Option<&str>, Option<i64>) {
    (job["status"].as_str(), job["attempts"].as_i64())
}

fn tokens(job: &Value) -> (Option<i64>, Option<i64>) {
    (job["prompt_tokens"].as_i64(), job["completion_tokens"].as_i64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_failing_twice_succeed_on_the_third_attempt_every_time() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    // Every prompt fails twice, then answers; the two calls fail at different times.
    model.script_each_prompt(Call::Main, [Reply::Status(500, None), Reply::Status(502, None)]);
    model.script_each_prompt(Call::Experience, [Reply::Status(503, None), Reply::Status(500, None)]);
    model.set_latency_for(Call::Experience, SLOW);
    let system = System::start_with(Db::Sqlite, 2, Options::on_model(&model.url)).await?;
    let mut jobs = Vec::new();
    for n in 0..5 {
        let id = candidate(&system, "persistent", n).await?;
        let job = system.submit("persistent", &json!({"candidate_id": id})).await?;
        jobs.push(job["job_id"].as_str().unwrap_or_default().to_owned());
    }
    for job_id in &jobs {
        let seen = system.poll_until_done("persistent", job_id).await?;
        let job = seen.last().unwrap();
        assert_eq!(status_and_attempts(job), (Some("SUCCESS"), Some(3)), "{job}");
        assert_eq!(tokens(job), (Some(240), Some(60)), "each answer counted once: {job}");
    }
    let seen = prompts_seen(&model);
    for schema in ["resume_main", "resume_experience"] {
        assert_eq!(seen.get(schema), Some(&vec![3; 5]), "{schema}: times each job's prompt was sent: {seen:?}");
    }
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_call_is_not_sent_again() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    // The main sections fail once, at once; the experience, slower, answers meanwhile.
    model.script_each_prompt(Call::Main, [Reply::Status(500, None)]);
    model.set_latency_for(Call::Experience, SLOW);
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let id = candidate(&system, "thrifty", 0).await?;
    let job = system.submit("thrifty", &json!({"candidate_id": id})).await?;
    let seen = system.poll_until_done("thrifty", job["job_id"].as_str().unwrap_or_default()).await?;
    let job = seen.last().unwrap();
    assert_eq!(status_and_attempts(job), (Some("SUCCESS"), Some(2)), "{job}");
    assert_eq!(tokens(job), (Some(240), Some(60)), "each answer counted once: {job}");
    let seen = prompts_seen(&model);
    assert_eq!((seen.get("resume_main"), seen.get("resume_experience")), (Some(&vec![2]), Some(&vec![1])), "{seen:?}");
    // The kept experience answer is in the document, with the second attempt's main sections.
    let (text, _) = docx_text(&system.download("thrifty", job).await?.bytes().await?)?;
    for expected in ["Model headline for the target", "Rephrased: Built a Rust service on PostgreSQL"] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_answer_survives_a_worker_killed_mid_attempt() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script_each_prompt(Call::Main, [Reply::Status(500, None)]);
    // A pause before the retry long enough to make the main call hang before it starts.
    let options = Options { retry_base_delay_ms: 2000, ..Options::on_model(&model.url) };
    let mut system = System::start_with(Db::Sqlite, 0, options).await?;
    let id = candidate(&system, "orphan", 0).await?;
    let doomed = system.start_doomed_worker();
    let job = system.submit("orphan", &json!({"candidate_id": id})).await?;
    let job_id = job["job_id"].as_str().unwrap_or_default().to_owned();
    // The first attempt fails its main call and keeps the experience answer.
    let detail = format!("/api/admin/jobs/{job_id}");
    until("the first attempt's retry is scheduled", || async {
        let (_, detail) = system.get_with_roles("watcher", &["ops"], &detail).await?;
        Ok(detail["events"].as_array().into_iter().flatten().any(|e| e["kind"] == "retry_scheduled"))
    })
    .await?;
    // The second attempt's main call hangs; the worker is killed holding the task.
    model.set_latency_for(Call::Main, Duration::from_secs(60));
    until("the second attempt's main call is sent", || async {
        Ok(model.seen().iter().filter(|s| s.schema == "resume_main").count() == 2)
    })
    .await?;
    doomed.kill();
    model.set_latency_for(Call::Main, Duration::ZERO);
    system.start_worker(1);
    // Its heartbeat expires (10 s), then the live worker takes the task over.
    let job = system.job_when("orphan", &job_id, "SUCCESS", Duration::from_secs(40)).await?;
    assert_eq!(status_and_attempts(&job), (Some("SUCCESS"), Some(3)), "{job}");
    assert_eq!(tokens(&job), (Some(240), Some(60)), "{job}");
    let seen = prompts_seen(&model);
    assert_eq!((seen.get("resume_main"), seen.get("resume_experience")), (Some(&vec![3]), Some(&vec![1])), "{seen:?}");
    system.stop().await
}
