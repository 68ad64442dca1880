//! An OpenAI-compatible chat completions server on 127.0.0.1 for the tests: it answers
//! with valid structured output built from the request's own data, or with what a test
//! scripted (a status with an optional `Retry-After`, or malformed JSON), after a set
//! latency, and records every request.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering::SeqCst},
    },
    time::{Duration, Instant},
};

use anyhow::Result;
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// The API key the tests configure; it must never reach a job's error message.
pub const API_KEY: &str = "sk-test-0123456789abcdef";

/// A scripted answer to one main-sections call.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An HTTP error status, with a `Retry-After` header when given.
    Status(u16, Option<&'static str>),
    /// 200 with content that is not the schema's JSON.
    Malformed,
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    /// `resume_main` or `resume_experience`.
    pub schema: String,
    pub authorization: String,
    pub model: String,
}

#[derive(Default)]
struct Inner {
    /// Answers for the coming main-sections calls; once empty, calls succeed.
    script: Mutex<VecDeque<Reply>>,
    latency: Mutex<Duration>,
    seen: Mutex<Vec<Seen>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A running fake model server.
#[derive(Clone)]
pub struct FakeModel {
    /// The base URL to give as `OPENAI_BASE_URL`.
    pub url: String,
    inner: Arc<Inner>,
}

impl FakeModel {
    /// Starts a fake on an ephemeral port; it runs until the test process ends.
    pub async fn start() -> Result<FakeModel> {
        let inner = Arc::new(Inner::default());
        let app = Router::new().route("/v1/chat/completions", post(complete)).with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/v1", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(FakeModel { url, inner })
    }

    /// Every call waits this long before answering.
    pub fn set_latency(&self, latency: Duration) {
        *self.inner.latency.lock().unwrap() = latency;
    }

    /// The next main-sections calls answer these, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.script.lock().unwrap().extend(replies);
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner.seen.lock().unwrap().clone()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.inner.max_in_flight.load(SeqCst)
    }
}

async fn complete(State(inner): State<Arc<Inner>>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let now = inner.in_flight.fetch_add(1, SeqCst) + 1;
    inner.max_in_flight.fetch_max(now, SeqCst);
    let schema = body["response_format"]["json_schema"]["name"].as_str().unwrap_or_default().to_owned();
    inner.seen.lock().unwrap().push(Seen {
        at: Instant::now(),
        schema: schema.clone(),
        authorization: headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        model: body["model"].as_str().unwrap_or_default().to_owned(),
    });
    let latency = *inner.latency.lock().unwrap();
    tokio::time::sleep(latency).await;
    let scripted = if schema == "resume_main" { inner.script.lock().unwrap().pop_front() } else { None };
    inner.in_flight.fetch_sub(1, SeqCst);
    match scripted {
        Some(Reply::Status(status, retry_after)) => {
            let status = StatusCode::from_u16(status).unwrap();
            let error = json!({"error": {"message": format!("upstream refused key {API_KEY}"),
                                          "type": "error", "param": null, "code": null}});
            let mut response = (status, Json(error)).into_response();
            if let Some(seconds) = retry_after {
                response.headers_mut().insert("retry-after", seconds.parse().unwrap());
            }
            response
        }
        Some(Reply::Malformed) => Json(completion("{\"headline\": \"unterminated")).into_response(),
        None => Json(completion(&answer(&schema, &body).to_string())).into_response(),
    }
}

/// A valid answer to `schema` from the candidate data inside the user message.
fn answer(schema: &str, body: &Value) -> Value {
    let user = body["messages"][1]["content"].as_str().unwrap_or_default();
    let data = user.trim_start_matches("<data>").trim_end_matches("</data>");
    let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    let candidate = &data["candidate"];
    if schema == "resume_main" {
        let mut skills: Vec<Value> = candidate["skills"].as_array().cloned().unwrap_or_default();
        skills.reverse();
        json!({"headline": "Model headline for the target",
               "summary": "Model summary built from the candidate's facts.",
               "skills": skills})
    } else {
        let roles: Vec<Value> = candidate["experience"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|role| {
                let highlights: Vec<Value> = role["highlights"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|h| json!(format!("Rephrased: {}", h.as_str().unwrap_or_default())))
                    .collect();
                json!({"highlights": highlights})
            })
            .collect();
        json!({"roles": roles})
    }
}

fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                     "message": {"role": "assistant", "content": content, "refusal": null}}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    })
}
