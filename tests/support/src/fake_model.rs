//! An OpenAI-compatible chat completions server on 127.0.0.1 for the tests: it answers
//! with valid structured output built from the request's own data, or with what a test
//! scripted (a status with an optional `Retry-After`, content that is not JSON, a verbatim
//! body, or the valid answer changed by a function) for the next calls of either schema,
//! or for the first answers to each distinct prompt of a schema, after a set latency
//! (per schema), and records every request. Every answer reports the usage a test set
//! ([`FakeModel::set_usage`]; 120 prompt and 30 completion tokens, no cache details, by
//! default).

use std::{
    collections::{HashMap, VecDeque},
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

/// Which of the two calls a script is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `resume_main`: headline, summary, skills.
    Main,
    /// `resume_experience`: the bullets of each role.
    Experience,
    /// `candidate_import`: a resume's text read into a candidate.
    Import,
    /// `cover_letter`: a cover letter from the candidate's data to the target job.
    CoverLetter,
}

/// How many kinds of call there are.
const CALLS: usize = 4;

impl Call {
    fn of(schema: &str) -> Call {
        match schema {
            "resume_main" => Call::Main,
            "candidate_import" => Call::Import,
            "cover_letter" => Call::CoverLetter,
            _ => Call::Experience,
        }
    }
}

/// A change made to the valid answer (a JSON object) before it is sent.
pub type Transform = Arc<dyn Fn(&mut Value) + Send + Sync>;

/// A scripted answer to one call.
#[derive(Clone)]
pub enum Reply {
    /// An HTTP error status, with a `Retry-After` header when given.
    Status(u16, Option<&'static str>),
    /// 200 with content that is not JSON.
    NotJson,
    /// 200 with this content, verbatim.
    Body(String),
    /// 200 with the valid answer as changed by the function.
    Transform(Transform),
}

impl Reply {
    /// The valid answer, changed by `change`.
    pub fn transform(change: impl Fn(&mut Value) + Send + Sync + 'static) -> Reply {
        Reply::Transform(Arc::new(change))
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reply::Status(status, retry_after) => write!(f, "Status({status}, {retry_after:?})"),
            Reply::NotJson => f.write_str("NotJson"),
            Reply::Body(body) => write!(f, "Body({body:?})"),
            Reply::Transform(_) => f.write_str("Transform"),
        }
    }
}

/// The usage each answer reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u32,
    /// Sent as `prompt_tokens_details.cached_tokens` when set; the details are left out
    /// when `None` (as some compatible providers do).
    pub cached_tokens: Option<u32>,
    pub completion_tokens: u32,
}

impl Default for Usage {
    fn default() -> Usage {
        Usage { prompt_tokens: 120, cached_tokens: None, completion_tokens: 30 }
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    /// `resume_main` or `resume_experience`.
    pub schema: String,
    pub authorization: String,
    pub model: String,
    /// The messages before the last (system prompt and data), as sent.
    pub prefix: Value,
    /// The last message's text: the call's own task.
    pub task: String,
}

#[derive(Default)]
struct Inner {
    /// Answers for the coming calls of each kind (main, experience); once empty, calls
    /// succeed (or follow `per_prompt`).
    scripts: Mutex<[VecDeque<Reply>; CALLS]>,
    /// The first answers to every distinct prompt of each kind, in order; past them, a
    /// prompt gets the valid answer.
    per_prompt: Mutex<[Vec<Reply>; CALLS]>,
    /// How many times each prompt (its schema and messages) was answered: a request its
    /// client gave up on before the answer is not counted.
    answered: Mutex<HashMap<String, usize>>,
    /// How long calls of each kind wait before answering.
    latency: Mutex<[Duration; CALLS]>,
    seen: Mutex<Vec<Seen>>,
    /// Calls whose messages contain any of these texts are refused with this status (before
    /// any script), until the list is emptied.
    refused: Mutex<(Vec<String>, u16)>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// What each answer reports it used.
    usage: Mutex<Usage>,
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
        *self.inner.latency.lock().unwrap() = [latency; CALLS];
    }

    /// Calls of `call` wait this long before answering.
    pub fn set_latency_for(&self, call: Call, latency: Duration) {
        self.inner.latency.lock().unwrap()[call as usize] = latency;
    }

    /// The next main-sections calls answer these, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.script_for(Call::Main, replies);
    }

    /// The next calls of `call` answer these, in order.
    pub fn script_for(&self, call: Call, replies: impl IntoIterator<Item = Reply>) {
        self.inner.scripts.lock().unwrap()[call as usize].extend(replies);
    }

    /// Each distinct prompt of `call` (another candidate's data, another target) is
    /// answered with these, in order, before it gets the valid answer: a model that fails
    /// every prompt the same way, however many jobs run at once. The calls scripted with
    /// [`FakeModel::script_for`] come first.
    pub fn script_each_prompt(&self, call: Call, replies: impl IntoIterator<Item = Reply>) {
        self.inner.per_prompt.lock().unwrap()[call as usize] = replies.into_iter().collect();
    }

    /// Refuses with `status` every call whose messages contain one of `texts` (a candidate's
    /// name, say), whatever is scripted; an empty list refuses nothing again.
    pub fn refuse_prompts_containing(&self, texts: &[&str], status: u16) {
        *self.inner.refused.lock().unwrap() = (texts.iter().map(|t| (*t).to_owned()).collect(), status);
    }

    /// Every answer from now on reports `usage`.
    pub fn set_usage(&self, usage: Usage) {
        *self.inner.usage.lock().unwrap() = usage;
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
        prefix: body["messages"].as_array().map(|m| json!(m[..m.len().saturating_sub(1)])).unwrap_or_default(),
        task: body["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_owned(),
    });
    let call = Call::of(&schema) as usize;
    let latency = inner.latency.lock().unwrap()[call];
    tokio::time::sleep(latency).await;
    let refused = {
        let (texts, status) = &*inner.refused.lock().unwrap();
        let messages = body["messages"].to_string();
        texts.iter().any(|text| messages.contains(text.as_str())).then_some(Reply::Status(*status, None))
    };
    let scripted = refused.or_else(|| inner.scripts.lock().unwrap()[call].pop_front()).or_else(|| {
        let prompt = format!("{schema}\n{}", body["messages"]);
        let mut answered = inner.answered.lock().unwrap();
        let times = answered.entry(prompt).or_default();
        *times += 1;
        inner.per_prompt.lock().unwrap()[call].get(*times - 1).cloned()
    });
    inner.in_flight.fetch_sub(1, SeqCst);
    let usage = *inner.usage.lock().unwrap();
    let completion = |content: &str| completion(content, usage);
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
        Some(Reply::NotJson) => Json(completion("{\"headline\": \"unterminated")).into_response(),
        Some(Reply::Body(content)) => Json(completion(&content)).into_response(),
        Some(Reply::Transform(change)) => {
            let mut answer = answer(&schema, &body);
            change(&mut answer);
            Json(completion(&answer.to_string())).into_response()
        }
        None => Json(completion(&answer(&schema, &body).to_string())).into_response(),
    }
}

/// A valid answer to `schema` from the candidate data inside the user message (for an
/// import: the resume text's first line as the name, and an employer the text never
/// names, which the importer must drop).
fn answer(schema: &str, body: &Value) -> Value {
    let user = body["messages"][1]["content"].as_str().unwrap_or_default();
    let data = user.trim_start_matches("<data>").trim_end_matches("</data>");
    if schema == "candidate_import" {
        let name = data.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
        return json!({"full_name": name, "email": null, "phone": null, "location": null, "headline": null,
                      "summary": null, "links": [], "skills": [], "education": [], "certifications": [],
                      "experience": [{"company": "Invented Employer Ltd", "title": "Made-up Title", "location": null,
                                      "start": "2020", "end": null, "highlights": []}]});
    }
    let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    let candidate = &data["candidate"];
    if schema == "cover_letter" {
        return letter(candidate, &data["target_job"]);
    }
    if schema == "resume_main" {
        let mut skills: Vec<Value> = candidate["skills"].as_array().cloned().unwrap_or_default();
        skills.reverse();
        json!({"headline": "Model headline for the target",
               "summary": "Model summary built from the candidate's facts.",
               "skills": skills})
    } else {
        // Every role by its number, with its company and title echoed, bullets rephrased.
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
                json!({"role": role["role"], "company": role["company"], "title": role["title"], "highlights": highlights})
            })
            .collect();
        json!({"roles": roles})
    }
}

/// A letter that names only the data's facts: the target's title and company, the first
/// role's title, company and first highlight, the skills.
fn letter(candidate: &Value, target: &Value) -> Value {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let role = &candidate["experience"][0];
    let company = text(&target["company"]);
    let opening = match company.as_str() {
        "" => "I am writing to introduce myself for a role where my experience can help.".to_owned(),
        company => format!("I am writing to apply for the {} role at {company}.", text(&target["title"])),
    };
    let skills: Vec<String> = candidate["skills"].as_array().into_iter().flatten().map(text).collect();
    json!({
        "greeting": if company.is_empty() { "Dear hiring manager,".to_owned() } else { format!("Dear {company} hiring team,") },
        "paragraphs": [
            opening,
            format!("As {} at {}, my work included this: {}.", text(&role["title"]), text(&role["company"]),
                    text(&role["highlights"][0]).trim_end_matches('.')),
            format!("My skills include {}.", skills.join(", ")),
            "Thank you for your time and consideration.",
        ],
        "closing": "Kind regards,",
        "signature": "",
    })
}

fn completion(content: &str, usage: Usage) -> Value {
    let Usage { prompt_tokens, cached_tokens, completion_tokens } = usage;
    let mut usage = json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                           "total_tokens": prompt_tokens + completion_tokens});
    if let Some(cached) = cached_tokens {
        usage["prompt_tokens_details"] = json!({"cached_tokens": cached});
    }
    json!({
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                     "message": {"role": "assistant", "content": content, "refusal": null}}],
        "usage": usage,
    })
}
