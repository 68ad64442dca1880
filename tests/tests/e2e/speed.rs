//! A resume at a real model's pace (the fake at 0.5 s to the first token, then 80 tokens a
//! second): the experience of a long career split over parallel calls that overlap in
//! time, each group's failure sent again alone, replies streamed with the progress moving
//! as they come (and the sections finished shown before the rest), and a short career
//! still two calls.

use std::time::Duration;

use e2e::{
    Options, System, career,
    fake_model::{Call, FakeModel, Pace, Reply, Seen},
};
use serde_json::{Value, json};

/// A real model's pace.
fn realistic() -> Pace {
    Pace::streaming(Duration::from_millis(500), 80.0)
}

async fn system_with(options: Options) -> anyhow::Result<System> {
    let options = Options { result_cache_ttl_secs: 0, ..options };
    System::start_with(e2e::Db::Sqlite, 1, options).await
}

/// Creates `user`'s candidate with `roles` roles and submits a resume of them; the job.
async fn submit_career(system: &System, user: &str, roles: usize) -> anyhow::Result<Value> {
    let (status, candidate) = system.post(user, "/api/candidates", career(roles)).await?;
    anyhow::ensure!(status == 201, "{status} {candidate}");
    system.submit(user, &json!({"candidate_id": candidate["id"]})).await
}

/// The role numbers the call's schema asks for (an experience call's under `roles`, a main
/// call's under `work`).
fn roles_of(seen: &Seen) -> Vec<u64> {
    let key = if seen.schema == "resume_main" { "work" } else { "roles" };
    seen.format["properties"][key]["items"]["properties"]["role"]["enum"]
        .as_array()
        .map(|numbers| numbers.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

/// The numbers of the roles in the data a call was sent.
fn roles_sent(seen: &Seen) -> Vec<u64> {
    let user = seen.prefix[1]["content"].as_str().unwrap_or_default();
    let data: Value = serde_json::from_str(user.trim_start_matches("<data>").trim_end_matches("</data>")).unwrap();
    data["candidate"]["experience"].as_array().into_iter().flatten().filter_map(|r| r["role"].as_u64()).collect()
}

fn experience_calls(model: &FakeModel) -> Vec<Seen> {
    model.seen().into_iter().filter(|s| s.schema == "resume_experience").collect()
}

/// The bullets the fake writes for each role of `career(roles)`: the candidate's, rephrased.
fn rephrased(roles: usize) -> Vec<Vec<String>> {
    let career = career(roles);
    let experience = career["experience"].as_array().unwrap();
    experience
        .iter()
        .map(|role| {
            role["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| format!("Rephrased: {}", h.as_str().unwrap()))
                .collect()
        })
        .collect()
}

/// The content's bullets of each role, in order.
async fn bullets(system: &System, user: &str, job_id: &str) -> anyhow::Result<Vec<Vec<String>>> {
    let (status, body) = system.get(user, &format!("/api/resume-async/content/{job_id}")).await?;
    anyhow::ensure!(status == 200, "content: {status} {body}");
    Ok(body["content"]["experience"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|role| {
            role["highlights"].as_array().into_iter().flatten().filter_map(|h| h.as_str().map(str::to_owned)).collect()
        })
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_career_is_written_by_parallel_streamed_calls_and_the_bar_moves() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_pace(realistic());
    let system = system_with(Options::on_model(&model.url)).await?;
    let job = submit_career(&system, "hopper", 15).await?;
    let job_id = job["job_id"].as_str().unwrap();
    let seen = system.job_events("hopper", job_id).await?;
    let last = seen.last().unwrap();
    assert_eq!((last["status"].as_str(), last["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{last}");

    // One main call and three experience calls, all streamed, all at once, one system
    // prompt; the main call sees the whole career, each group only its own roles. The main
    // sections are short: the main call writes the last three roles too, and the groups
    // four each (not five: the slowest call is the shorter for it).
    let calls = model.seen();
    assert_eq!(calls.len(), 4, "{calls:#?}");
    assert!(calls.iter().all(|c| c.stream), "every reply streamed");
    let latest_start = calls.iter().map(|c| c.at).max().unwrap();
    let earliest_end = calls.iter().map(|c| c.ended.expect("ended")).min().unwrap();
    assert!(latest_start < earliest_end, "the calls' time windows do not all overlap");
    assert!(calls.windows(2).all(|w| w[0].prefix[0] == w[1].prefix[0]), "the system prompt differs between calls");
    let main = calls.iter().find(|c| c.schema == "resume_main").expect("a main call");
    assert_eq!(roles_sent(main), (1..=15).collect::<Vec<u64>>());
    for call in experience_calls(&model) {
        assert_eq!(roles_sent(&call), roles_of(&call), "a group is sent its own roles only");
    }
    let mut groups: Vec<Vec<u64>> = experience_calls(&model).iter().map(roles_of).collect();
    groups.sort();
    assert_eq!(groups, [vec![1, 2, 3, 4], vec![5, 6, 7, 8], vec![9, 10, 11, 12]], "balanced groups");
    assert_eq!(roles_of(main), [13, 14, 15], "the main call writes the last roles");
    assert!(main.task.contains("roles 13 to 15 only"), "{}", main.task);

    // Every role has its own bullets, rephrased by the call that wrote it.
    assert_eq!(bullets(&system, "hopper", job_id).await?, rephrased(15));

    // The bar moved with the tokens, forward only, and said what was being written.
    let progress: Vec<i64> = seen.iter().map(|j| j["progress"].as_i64().unwrap()).collect();
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "backwards or repeated: {progress:?}");
    let writing: Vec<i64> = progress.iter().copied().filter(|p| (11..90).contains(p)).collect();
    assert!(writing.len() >= 5, "too few steps while writing: {progress:?}");
    let said: Vec<&str> = seen.iter().filter_map(|j| j["status_text"].as_str()).collect();
    assert!(said.iter().any(|s| s.starts_with("Writing experience: ") && s.ends_with(" of 15 roles")), "{said:?}");
    assert!(last["status_text"].is_null(), "{last}");

    // The summary was shown first, while the bullets were still being written: the main
    // call's too, which it writes after its main sections.
    let early = seen
        .iter()
        .filter(|j| j["status"] == "PROCESSING")
        .find_map(|j| j["content_so_far"].as_object())
        .expect("an update with the content so far");
    assert_eq!(early["summary"], "Model summary built from the candidate's facts.", "{early:?}");
    let companies: Vec<&str> =
        early["experience"].as_array().into_iter().flatten().filter_map(|r| r["company"].as_str()).collect();
    assert!(companies.len() < 15, "the whole experience came with the first sections: {early:?}");
    assert!(!companies.iter().any(|c| ["Company 13", "Company 14", "Company 15"].contains(c)), "{companies:?}");
    assert_eq!(early["full_name"], "Grace Hopper");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_group_is_sent_again_alone() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_pace(Pace::streaming(Duration::from_millis(100), 400.0));
    // The first experience call answered fails; the other calls succeed.
    model.script_for(Call::Experience, [Reply::Status(503, None)]);
    let system = system_with(Options::on_model(&model.url)).await?;
    let job = submit_career(&system, "resender", 15).await?;
    let seen = system.poll_until_done("resender", job["job_id"].as_str().unwrap()).await?;
    let last = seen.last().unwrap();
    assert_eq!((last["status"].as_str(), last["attempts"].as_i64()), (Some("SUCCESS"), Some(2)), "{last}");

    let calls = experience_calls(&model);
    assert_eq!(calls.len(), 4, "three groups, then the failed one again: {calls:#?}");
    let again = roles_of(&calls[3]);
    let first: Vec<Vec<u64>> = calls[..3].iter().map(roles_of).collect();
    assert!(first.contains(&again), "{again:?} was not one of {first:?}");
    assert_eq!(calls[..3].iter().filter(|c| c.task == calls[3].task).count(), 1);
    let main = model.seen().iter().filter(|s| s.schema == "resume_main").count();
    assert_eq!(main, 1, "the main sections' answer was kept");
    assert_eq!(bullets(&system, "resender", job["job_id"].as_str().unwrap()).await?, rephrased(15));
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_cut_midway_is_retried_never_half_written() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_pace(Pace::streaming(Duration::from_millis(50), 400.0));
    model.script_for(Call::Experience, [Reply::Cut]);
    let system = system_with(Options::on_model(&model.url)).await?;
    let job = submit_career(&system, "cut", 3).await?;
    let seen = system.poll_until_done("cut", job["job_id"].as_str().unwrap()).await?;
    let last = seen.last().unwrap();
    assert_eq!((last["status"].as_str(), last["attempts"].as_i64()), (Some("SUCCESS"), Some(2)), "{last}");
    assert_eq!(experience_calls(&model).len(), 2);
    // A failure of the service (retried as such), not an unreadable reply.
    let path = format!("/api/admin/jobs/{}", job["job_id"].as_str().unwrap());
    let (status, detail) = system.get_with_roles("watcher", &["ops"], &path).await?;
    assert_eq!(status, 200, "{detail}");
    let retry = detail["events"].as_array().unwrap().iter().find(|e| e["kind"] == "retry_scheduled").cloned();
    assert_eq!(retry.as_ref().map(|r| &r["error_class"]), Some(&json!("model_unavailable")), "{detail}");
    assert_eq!(bullets(&system, "cut", job["job_id"].as_str().unwrap()).await?, rephrased(3));
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_career_and_the_old_design_make_exactly_two_calls() -> anyhow::Result<()> {
    // Two roles: two calls, however many may run.
    let model = FakeModel::start().await?;
    let system = system_with(Options::on_model(&model.url)).await?;
    let job = submit_career(&system, "short", 2).await?;
    let seen = system.poll_until_done("short", job["job_id"].as_str().unwrap()).await?;
    assert_eq!(seen.last().unwrap()["status"], "SUCCESS");
    let calls = model.seen();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(roles_of(&experience_calls(&model)[0]), [1, 2]);
    system.stop().await?;

    // Fifteen roles with two calls at most and streaming off: the design before the split.
    let model = FakeModel::start().await?;
    let options =
        Options { model_max_parallel_calls: Some(2), model_stream_off: true, ..Options::on_model(&model.url) };
    let system = system_with(options).await?;
    let job = submit_career(&system, "old", 15).await?;
    let seen = system.poll_until_done("old", job["job_id"].as_str().unwrap()).await?;
    assert_eq!(seen.last().unwrap()["status"], "SUCCESS");
    let calls = model.seen();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert!(calls.iter().all(|c| !c.stream), "streaming off");
    assert_eq!(roles_of(&experience_calls(&model)[0]), (1..=15).collect::<Vec<u64>>());
    assert_eq!(bullets(&system, "old", job["job_id"].as_str().unwrap()).await?, rephrased(15));
    system.stop().await
}
