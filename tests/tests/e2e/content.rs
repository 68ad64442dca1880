//! A finished job's content (what its document was rendered from) over REST and gRPC, and
//! `fresh: true`, which makes a new variant past the cache.

use std::time::Duration;

use e2e::{Db, Options, System, fake_model::FakeModel, pdf_text, sample_candidate};
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};
use serde_json::{Value, json};

async fn model_system(model: &FakeModel, db: Db) -> anyhow::Result<System> {
    System::start_with(db, 1, Options::on_model(&model.url)).await
}

/// Submits `body` as `user` and waits for the job to end; the job.
async fn generated(system: &System, user: &str, body: &Value) -> anyhow::Result<Value> {
    let job = system.submit(user, body).await?;
    Ok(system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap())
}

fn content_path(job: &Value) -> String {
    format!("/api/resume-async/content/{}", job["job_id"].as_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_jobs_content_is_what_its_document_says() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = model_system(&model, Db::Sqlite).await?;
    let (candidate, target) = system.candidate_with_target("ada").await?;
    let job = generated(&system, "ada", &json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"}))
        .await?;
    assert_eq!(job["status"], "SUCCESS", "{job}");

    let (status, body) = system.get("ada", &content_path(&job)).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["job_id"], job["job_id"]);
    let content = &body["content"];
    // The model's wording...
    assert_eq!(content["headline"], "Model headline for the target");
    assert_eq!(content["experience"][0]["highlights"][0], "Rephrased: Translated Menabrea's memoir");
    // ...over the candidate's facts, as they are.
    let given = sample_candidate();
    assert_eq!(content["full_name"], given["full_name"]);
    for field in ["company", "title", "location", "start", "end"] {
        assert_eq!(content["experience"][1][field], given["experience"][1][field], "{field}");
    }
    assert_eq!(content["education"], given["education"]);
    assert_eq!(content["certifications"], given["certifications"]);
    let mut skills: Vec<Value> = content["skills"].as_array().unwrap().clone();
    skills.sort_by_key(|s| s.to_string());
    let mut own: Vec<Value> = given["skills"].as_array().unwrap().clone();
    own.sort_by_key(|s| s.to_string());
    assert_eq!(skills, own, "the same skills, in the model's order");
    // The document says what the content says.
    let pdf = system.download("ada", &job).await?.bytes().await?;
    let text = pdf_text(&pdf)?;
    assert!(text.contains("Model headline for the target"), "{text}");

    // The same over gRPC.
    let mut client = ResumeServiceClient::new(system.channel().await?);
    let request = v1::GetResumeContentRequest { job_id: job["job_id"].as_str().unwrap().to_owned() };
    let answer = client.get_resume_content(system.grpc_request("ada", request.clone())).await?.into_inner();
    let Some(v1::get_resume_content_response::DocumentContent::Content(grpc)) = answer.document_content else {
        panic!("a resume's content: {:?}", answer.document_content)
    };
    assert_eq!(grpc.headline.as_deref(), Some("Model headline for the target"));
    assert_eq!(grpc.experience.len(), 2);

    // A cache hit has the same content.
    let (status, hit) = system
        .post(
            "ada",
            "/api/resume-async/generate-async",
            json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"}),
        )
        .await?;
    assert_eq!((status, hit["cache_hit"].as_bool()), (202, Some(true)), "{hit}");
    assert_eq!(system.get("ada", &content_path(&hit)).await?.1["content"], *content);

    // Another user's job is not found; a bad id names the field.
    let (status, _) = system.get("eve", &content_path(&job)).await?;
    assert_eq!(status, 404);
    let denied = client.get_resume_content(system.grpc_request("eve", request)).await.unwrap_err();
    assert_eq!(denied.code(), tonic::Code::NotFound);
    let (status, error) = system.get("ada", "/api/resume-async/content/nope").await?;
    assert_eq!((status, error["error"]["message"].as_str()), (400, Some("job_id must be a UUID")));

    // Deleting the candidate deletes their contents.
    let response = system
        .http
        .delete(system.url(&format!("/api/candidates/{candidate}")))
        .bearer_auth(system.token("ada"))
        .send()
        .await?;
    assert_eq!(response.status(), 204);
    assert_eq!(system.get("ada", &content_path(&job)).await?.0, 404);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn there_is_no_content_before_success() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_secs(30));
    let system = model_system(&model, Db::Sqlite).await?;
    let (candidate, _) = system.candidate_with_target("slow").await?;
    let (_, job) = system.post("slow", "/api/resume-async/generate-async", json!({"candidate_id": candidate})).await?;
    let (status, body) = system.get("slow", &content_path(&job)).await?;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "FAILED_PRECONDITION");
    assert!(body["error"]["message"].as_str().unwrap().contains("once it is SUCCESS"), "{body}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_makes_a_new_variant_past_the_cache_and_then_is_what_the_cache_holds() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = model_system(&model, Db::Sqlite).await?;
    let (candidate, target) = system.candidate_with_target("fresh").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let first = generated(&system, "fresh", &body).await?;
    assert_eq!((first["status"].as_str(), first["cache_hit"].as_bool()), (Some("SUCCESS"), Some(false)));
    assert_eq!(model.seen().len(), 2);
    assert_eq!(generated(&system, "fresh", &body).await?["cache_hit"], true);
    assert_eq!(model.seen().len(), 2);

    let mut fresh_body = body.clone();
    fresh_body["fresh"] = json!(true);
    let fresh = generated(&system, "fresh", &fresh_body).await?;
    assert_eq!((fresh["status"].as_str(), fresh["cache_hit"].as_bool()), (Some("SUCCESS"), Some(false)), "{fresh}");
    assert_eq!(model.seen().len(), 4, "fresh: true called the model again");
    assert!(fresh["prompt_tokens"].as_i64().unwrap() > 0);

    // The next ordinary request is answered from the cache again.
    assert_eq!(generated(&system, "fresh", &body).await?["cache_hit"], true);
    assert_eq!(model.seen().len(), 4);
    // `fresh` must be a boolean.
    fresh_body["fresh"] = json!("yes");
    let (status, error) = system.post("fresh", "/api/resume-async/generate-async", fresh_body).await?;
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("fresh"), "{error}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_content_renders_in_every_format_without_a_model_call_on_sqlite() -> anyhow::Result<()> {
    an_edited_content_renders_in_every_format_without_a_model_call(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_content_renders_in_every_format_without_a_model_call_on_postgres() -> anyhow::Result<()> {
    an_edited_content_renders_in_every_format_without_a_model_call(Db::Postgres).await
}

async fn an_edited_content_renders_in_every_format_without_a_model_call(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = model_system(&model, db).await?;
    let (candidate, target) = system.candidate_with_target("ed").await?;
    let source =
        generated(&system, "ed", &json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"})).await?;
    let (_, body) = system.get("ed", &content_path(&source)).await?;
    let mut edited = body["content"].clone();
    edited["headline"] = json!("Edited headline for engines");
    edited["experience"][0]["highlights"] = json!(["An edited bullet about engines", "Another edited bullet"]);
    edited["experience"].as_array_mut().unwrap().pop();
    edited["skills"].as_array_mut().unwrap().reverse();
    assert_eq!(model.seen().len(), 2);

    for (file_type, read) in [("word", "docx"), ("pdf", "pdf"), ("text", "utf8"), ("markdown", "utf8")] {
        let request = json!({"job_id": source["job_id"], "content": edited, "file_type": file_type});
        let (status, job) = system.post("ed", "/api/resume-async/render", request).await?;
        assert_eq!(status, 202, "{job}");
        assert_eq!((job["status"].as_str(), job["edited_from"].as_str()), (Some("PENDING"), source["job_id"].as_str()));
        let done = system.poll_until_done("ed", job["job_id"].as_str().unwrap()).await?.pop().unwrap();
        assert_eq!(done["status"], "SUCCESS", "{done}");
        assert_eq!((done["progress"].as_i64(), done["prompt_tokens"].as_i64()), (Some(100), Some(0)));
        assert_eq!(done["edited_from"], source["job_id"]);
        let bytes = system.download("ed", &done).await?.bytes().await?;
        let text = match read {
            "docx" => e2e::docx_text(&bytes)?.0,
            "pdf" => pdf_text(&bytes)?,
            _ => String::from_utf8(bytes.to_vec())?,
        };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("An edited bullet about engines"), "{file_type}: {flat}");
        assert!(flat.contains("Edited headline for engines"), "{file_type}: {flat}");
        assert!(!flat.contains("Difference Works"), "{file_type}: the removed role is still there: {flat}");
        // What it was rendered from is what was sent.
        assert_eq!(system.get("ed", &content_path(&done)).await?.1["content"], edited, "{file_type}");
    }
    assert_eq!(model.seen().len(), 2, "a render called the model");

    // Facts may not be added or changed: the field is named.
    let mut invented = edited.clone();
    invented["experience"][0]["company"] = json!("Invented Corp");
    let (status, error) =
        system.post("ed", "/api/resume-async/render", json!({"job_id": source["job_id"], "content": invented})).await?;
    assert_eq!(status, 400, "{error}");
    assert_eq!(
        error["error"]["message"],
        "content.experience[0].company and .title must be one of the candidate's roles"
    );
    let mut moved = edited.clone();
    moved["experience"][0]["start"] = json!("2019-01");
    let (status, error) =
        system.post("ed", "/api/resume-async/render", json!({"job_id": source["job_id"], "content": moved})).await?;
    assert_eq!(
        (status, error["error"]["message"].as_str()),
        (400, Some("content.experience[0].start and .end must be the role's own dates"))
    );
    let (status, error) = system
        .post("ed", "/api/resume-async/render", json!({"job_id": source["job_id"], "content": edited, "colour": "red"}))
        .await?;
    assert_eq!(status, 400, "{error}");

    // Another user's job is not found.
    let (status, _) =
        system.post("eve", "/api/resume-async/render", json!({"job_id": source["job_id"], "content": edited})).await?;
    assert_eq!(status, 404);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_finished_job_can_be_edited_on_sqlite() -> anyhow::Result<()> {
    only_a_finished_job_can_be_edited(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_finished_job_can_be_edited_on_postgres() -> anyhow::Result<()> {
    only_a_finished_job_can_be_edited(Db::Postgres).await
}

async fn only_a_finished_job_can_be_edited(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_secs(30));
    let system = model_system(&model, db).await?;
    let (candidate, _) = system.candidate_with_target("early").await?;
    let (_, job) = system.post("early", "/api/resume-async/generate-async", json!({"candidate_id": candidate})).await?;
    let content = json!({"full_name": "Ada Lovelace"});
    let (status, error) =
        system.post("early", "/api/resume-async/render", json!({"job_id": job["job_id"], "content": content})).await?;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("FAILED_PRECONDITION")), "{error}");
    system.stop().await
}
