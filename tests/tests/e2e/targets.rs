//! Editing a target job over REST: validated like adding one (400 naming the field), another
//! user's is 404, the resumes already made for it keep it, and the next resume is made for
//! the edited posting rather than answered from the cache of the old one.

use e2e::{Db, Options, System};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_job_is_edited_by_its_owner_only_on_sqlite() -> anyhow::Result<()> {
    a_target_job_is_edited_by_its_owner_only(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_job_is_edited_by_its_owner_only_on_postgres() -> anyhow::Result<()> {
    a_target_job_is_edited_by_its_owner_only(Db::Postgres).await
}

async fn a_target_job_is_edited_by_its_owner_only(db: Db) -> anyhow::Result<()> {
    // The offline generator, with the result cache on.
    let options = Options { result_cache_ttl_secs: 3600, ..Options::default() };
    let system = System::start_with(db, 1, options).await?;
    let user = "owner";
    let (id, target) = system.candidate_with_target(user).await?;
    let path = format!("/api/candidates/{id}/jobs/{target}");
    let put = |path: String, body: Value, as_user: &'static str| {
        let request = system.http.put(system.url(&path)).bearer_auth(system.token(as_user)).json(&body);
        async move {
            let response = request.send().await?;
            anyhow::Ok((response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null)))
        }
    };
    let generate = json!({"candidate_id": id, "job_row_id": target, "file_type": "text"});
    let first = system.submit(user, &generate).await?;
    let first_id = first["job_id"].as_str().unwrap().to_owned();
    assert_eq!(system.poll_until_done(user, &first_id).await?.last().unwrap()["status"], "SUCCESS");
    let again = system.submit(user, &generate).await?;
    assert_eq!(again["cache_hit"], true, "the same request is answered from the cache: {again}");

    let edited =
        json!({"title": "Principal Engineer", "company": "Analytical Engines", "description": "Lead the mill."});
    assert_eq!(put(path.clone(), edited.clone(), "stranger").await?.0, 404, "another user's target job");
    let (status, body) = put(format!("/api/candidates/{id}/jobs/{}", target + 1000), edited.clone(), user).await?;
    assert_eq!(status, 404, "{body}");
    for (body, field) in [
        (json!({"title": " ", "company": null, "description": "x"}), "title is required"),
        (json!({"title": "T", "description": ""}), "description is required"),
        (json!({"title": "T", "company": "c".repeat(201), "description": "x"}), "company must be at most 200"),
        (json!({"title": "T", "description": "x", "salary": 1}), "salary"),
    ] {
        let (status, answer) = put(path.clone(), body, user).await?;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["code"], "INVALID_ARGUMENT", "{answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{message} does not name {field}");
    }
    let (status, malformed) = put(format!("/api/candidates/{id}/jobs/x"), edited.clone(), user).await?;
    assert_eq!(status, 400, "{malformed}");
    assert!(malformed["error"]["message"].as_str().unwrap_or_default().contains("job_row_id"), "{malformed}");

    let (_, before) = system.get(user, &format!("/api/candidates/{id}/jobs")).await?;
    let (status, saved) = put(path.clone(), edited.clone(), user).await?;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        (&saved["id"], &saved["candidate_id"], &saved["created_at"]),
        (&json!(target), &json!(id), &before["jobs"][0]["created_at"]),
        "the same target job, edited in place: {saved}"
    );
    assert_eq!(
        (&saved["title"], &saved["company"], &saved["description"]),
        (&edited["title"], &edited["company"], &edited["description"])
    );
    let (_, after) = system.get(user, &format!("/api/candidates/{id}/jobs")).await?;
    assert_eq!(after["jobs"], json!([saved]), "{after}");
    // The company can be cleared.
    let (status, cleared) =
        put(path.clone(), json!({"title": "Principal Engineer", "description": "Lead the mill."}), user).await?;
    assert_eq!((status, &cleared["company"]), (200, &Value::Null), "{cleared}");
    put(path.clone(), edited, user).await?;

    // The resume made before the edit keeps its target; the next one is made anew, for the
    // edited posting.
    let (_, old) = system.get(user, &format!("/api/resume-async/job-status/{first_id}")).await?;
    assert_eq!((&old["status"], &old["job_row_id"]), (&json!("SUCCESS"), &json!(target)), "{old}");
    let next = system.submit(user, &generate).await?;
    assert_eq!(next["cache_hit"], false, "an edited target is a new request: {next}");
    let next_id = next["job_id"].as_str().unwrap().to_owned();
    assert_eq!(system.poll_until_done(user, &next_id).await?.last().unwrap()["status"], "SUCCESS");
    let (_, mine) = system.get(user, &format!("/api/resume-async/my-jobs?candidate_id={id}")).await?;
    assert_eq!(mine["jobs"].as_array().map(Vec::len), Some(3), "every resume stays in the history: {mine}");
    system.stop().await
}
