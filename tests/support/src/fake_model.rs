//! An OpenAI-compatible chat completions server on 127.0.0.1 for the tests: it answers
//! with valid structured output built from the request's own data (an experience call,
//! or a main call writing roles too, for the roles its schema names), or with what a test
//! scripted (a status with an optional `Retry-After`, content that is not JSON, a verbatim
//! body, or the valid answer changed by a function) for the next calls of either schema,
//! or for the first answers to each distinct prompt of a schema, after a set latency
//! (per schema), and records every request. Every answer reports the usage a test set
//! ([`FakeModel::set_usage`]; 120 prompt and 30 completion tokens, no cache details, by
//! default), or what it used as a provider counts it ([`FakeModel::count_usage`]: its
//! prompt's and reply's tokens, and the part of the prompt a [`PromptCache`] served).
//! Told to answer plainly ([`FakeModel::answer_plainly`]), it answers as a bare compatible
//! server may: a whole reply with the fewest fields, even to a request for a stream.
//! `GET /v1/slowest-call` tells the longest own time of an answer since it was last asked.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst},
    },
    time::{Duration, Instant},
};

use anyhow::Result;
use axum::{
    Json, Router,
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
    serve::ListenerExt,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::prompt_cache::{CHARS_PER_TOKEN, PromptCache};

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

/// How fast a model answers: the time to its first token, then `tokens_per_s` (none: the
/// whole answer at once).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pace {
    pub first_token: Duration,
    pub tokens_per_s: Option<f64>,
}

impl Pace {
    /// `first_token`, then the whole answer at once.
    pub fn fixed(first_token: Duration) -> Pace {
        Pace { first_token, tokens_per_s: None }
    }

    /// `first_token`, then `tokens_per_s`.
    pub fn streaming(first_token: Duration, tokens_per_s: f64) -> Pace {
        Pace { first_token, tokens_per_s: Some(tokens_per_s).filter(|t| *t > 0.0) }
    }

    /// When the `token`-th token (0-based) is written, counted from the request.
    fn at(self, token: usize) -> Duration {
        let writing = self.tokens_per_s.map_or(0.0, |rate| token as f64 / rate);
        self.first_token + Duration::from_secs_f64(writing)
    }
}

/// How many tokens the fake counts in `text`.
pub fn tokens(text: &str) -> usize {
    text.chars().count().div_ceil(CHARS_PER_TOKEN)
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
    /// The valid answer at this pace (instead of its kind's).
    Paced(Pace),
    /// The valid answer's first half, then the connection breaks (streamed; not streamed,
    /// the body is cut the same way).
    Cut,
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
            Reply::Paced(pace) => write!(f, "Paced({pace:?})"),
            Reply::Cut => f.write_str("Cut"),
        }
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When the request came.
    pub at: Instant,
    /// When its answer was sent to the end (or cut, or refused); `None` while it runs.
    pub ended: Option<Instant>,
    /// It asked for a stream.
    pub stream: bool,
    /// The reply's JSON schema, as sent.
    pub format: Value,
    /// `resume_main` or `resume_experience`.
    pub schema: String,
    pub authorization: String,
    pub model: String,
    /// The messages before the last (system prompt and data), as sent.
    pub prefix: Value,
    /// The last message's text: the call's own task.
    pub task: String,
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
    /// How fast calls of each kind answer.
    pace: Mutex<[Pace; CALLS]>,
    seen: Mutex<Vec<Seen>>,
    /// Calls whose messages contain any of these texts are refused with this status (before
    /// any script), until the list is emptied.
    refused: Mutex<(Vec<String>, u16)>,
    /// What each answer reports it used, unless `counted`.
    usage: Mutex<Usage>,
    /// Answers report what they used as a provider counts it.
    counted: AtomicBool,
    /// The prompts read, when usage is counted.
    prompt_cache: PromptCache,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// The longest own time of an answer (its pace for its tokens) since the last read of
    /// `GET /v1/slowest-call`.
    slowest: Mutex<Duration>,
    /// Answers as a bare compatible server does ([`FakeModel::answer_plainly`]).
    plain: AtomicBool,
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
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .route("/v1/slowest-call", get(slowest_call))
            .with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/v1", listener.local_addr()?);
        // As a provider's servers do: without TCP_NODELAY each chunk of a stream after the
        // first waits for the client's delayed ACK (40 ms), which no real model costs.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(FakeModel { url, inner })
    }

    /// Every call waits this long before answering.
    /// Every answer from now on reports `usage`.
    pub fn set_usage(&self, usage: Usage) {
        *self.inner.usage.lock().unwrap() = usage;
        self.inner.counted.store(false, SeqCst);
    }

    /// Every answer from now on reports what it used as a provider counts it: the tokens of
    /// its prompt (the reply's schema, then the messages), of them those the prompt cache
    /// served ([`PromptCache`]: prompts read before this one came), and its reply's tokens.
    pub fn count_usage(&self) {
        self.inner.counted.store(true, SeqCst);
    }

    pub fn set_latency(&self, latency: Duration) {
        self.set_pace(Pace::fixed(latency));
    }

    /// Calls of `call` wait this long before answering.
    pub fn set_latency_for(&self, call: Call, latency: Duration) {
        self.set_pace_for(call, Pace::fixed(latency));
    }

    /// Every call answers at `pace`.
    pub fn set_pace(&self, pace: Pace) {
        *self.inner.pace.lock().unwrap() = [pace; CALLS];
    }

    /// Calls of `call` answer at `pace`.
    pub fn set_pace_for(&self, call: Call, pace: Pace) {
        self.inner.pace.lock().unwrap()[call as usize] = pace;
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

    /// From now on, answers as a bare OpenAI-compatible server may: every answer one whole
    /// reply, also to a request for a stream, pretty-printed, holding only `choices` (a
    /// message's content) and `usage` (no `id`, `object`, `created`, `model`, `index`,
    /// `role` or finish reason).
    pub fn answer_plainly(&self) {
        self.inner.plain.store(true, SeqCst);
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
    let started = Instant::now();
    let now = inner.in_flight.fetch_add(1, SeqCst) + 1;
    inner.max_in_flight.fetch_max(now, SeqCst);
    let schema = body["response_format"]["json_schema"]["name"].as_str().unwrap_or_default().to_owned();
    let stream = body["stream"].as_bool().unwrap_or(false);
    let seen = {
        let mut seen = inner.seen.lock().unwrap();
        seen.push(Seen {
            at: started,
            ended: None,
            stream,
            format: body["response_format"]["json_schema"]["schema"].clone(),
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
        seen.len() - 1
    };
    // Ends the request's record (and its count in flight) when dropped: when the answer is
    // sent to its end, or the client went away.
    let ending = Ending { inner: inner.clone(), seen };
    let call = Call::of(&schema) as usize;
    let mut pace = inner.pace.lock().unwrap()[call];
    // Counted, the prompt meets the cache as it arrives and is in it once read (at the
    // first token).
    let prompt = inner.counted.load(SeqCst).then(|| prompt_text(&body));
    let cached = prompt.as_deref().map(|p| inner.prompt_cache.cached_tokens(p));
    // What to answer is decided once the first token is due (a request the client gave up
    // on before is not counted as answered).
    tokio::time::sleep(pace.first_token).await;
    if let Some(prompt) = &prompt {
        inner.prompt_cache.read(prompt);
    }
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
    let valid = || answer(&schema, &body).to_string();
    let (content, cut) = match scripted {
        Some(Reply::Status(status, retry_after)) => {
            drop(ending);
            let status = StatusCode::from_u16(status).unwrap();
            let error = json!({"error": {"message": format!("upstream refused key {API_KEY}"),
                                          "type": "error", "param": null, "code": null}});
            let mut response = (status, Json(error)).into_response();
            if let Some(seconds) = retry_after {
                response.headers_mut().insert("retry-after", seconds.parse().unwrap());
            }
            return response;
        }
        Some(Reply::NotJson) => ("{\"headline\": \"unterminated".to_owned(), false),
        Some(Reply::Body(content)) => (content, false),
        Some(Reply::Transform(change)) => {
            let mut answer = answer(&schema, &body);
            change(&mut answer);
            (answer.to_string(), false)
        }
        Some(Reply::Paced(own)) => {
            pace = own;
            (valid(), false)
        }
        Some(Reply::Cut) => (valid(), true),
        None => (valid(), false),
    };
    {
        let mut slowest = inner.slowest.lock().unwrap();
        *slowest = (*slowest).max(pace.at(tokens(&content)));
    }
    let include_usage = body["stream_options"]["include_usage"].as_bool().unwrap_or(false);
    let usage = match &prompt {
        Some(prompt) => Usage {
            prompt_tokens: tokens(prompt) as u32,
            cached_tokens: cached.map(|c| c as u32),
            completion_tokens: tokens(&content) as u32,
        },
        None => *inner.usage.lock().unwrap(),
    };
    let plain = inner.plain.load(SeqCst);
    if stream && !plain {
        return streamed(content, pace, started, include_usage.then_some(usage), cut, ending);
    }
    tokio::time::sleep_until((started + pace.at(tokens(&content))).into()).await;
    drop(ending);
    let content = match cut {
        true => content.chars().take(content.chars().count() / 2).collect(),
        false => content,
    };
    let mut answer = completion(&content, usage);
    if plain {
        // Pretty-printed, as some servers do: the reply spans many lines.
        let bare = json!({"choices": [{"message": {"content": content}}], "usage": answer["usage"].take()});
        return ([(header::CONTENT_TYPE, "application/json")], serde_json::to_string_pretty(&bare).unwrap())
            .into_response();
    }
    Json(answer).into_response()
}

/// `{"ms": …}`: the longest own time of an answer (time to its first token, then its tokens
/// at its pace) since the last read, which starts the next count: the bench's bound on a
/// resume's time (its slowest call).
async fn slowest_call(State(inner): State<Arc<Inner>>) -> Json<Value> {
    let slowest = std::mem::take(&mut *inner.slowest.lock().unwrap());
    Json(json!({"ms": slowest.as_secs_f64() * 1000.0}))
}

/// What a request's prompt is made of, as a provider reads it: the reply's schema, then
/// each message's role and text.
fn prompt_text(body: &Value) -> String {
    let mut text = body["response_format"]["json_schema"].to_string();
    for message in body["messages"].as_array().into_iter().flatten() {
        text.push_str(message["role"].as_str().unwrap_or_default());
        text.push_str(message["content"].as_str().unwrap_or_default());
    }
    text
}

/// Marks a request ended when dropped.
struct Ending {
    inner: Arc<Inner>,
    seen: usize,
}

impl Drop for Ending {
    fn drop(&mut self) {
        self.inner.in_flight.fetch_sub(1, SeqCst);
        if let Some(seen) = self.inner.seen.lock().unwrap().get_mut(self.seen) {
            seen.ended = Some(Instant::now());
        }
    }
}

/// Tokens sent in one chunk of a stream.
const TOKENS_PER_CHUNK: usize = 3;

/// `content` as an OpenAI chunk stream, each chunk sent when `pace` has written its last
/// token (counted from `started`); with `usage` (asked for with `include_usage`), a last
/// chunk with it; `cut`:
/// the connection breaks halfway instead. `ending` is dropped when the stream is.
fn streamed(
    content: String,
    pace: Pace,
    started: Instant,
    usage: Option<Usage>,
    cut: bool,
    ending: Ending,
) -> Response {
    let chars: Vec<char> = content.chars().collect();
    let pieces: Vec<String> =
        chars.chunks(CHARS_PER_TOKEN * TOKENS_PER_CHUNK).map(|piece| piece.iter().collect()).collect();
    let total = pieces.len();
    let stop = if cut { total / 2 } else { total };
    let mut events: Vec<(Duration, Option<String>)> =
        vec![(pace.first_token, Some(chunk(json!({"role": "assistant", "content": ""}), None)))];
    for (i, piece) in pieces.into_iter().enumerate().take(stop) {
        let written = ((i + 1) * TOKENS_PER_CHUNK).min(tokens(&content));
        events.push((pace.at(written.saturating_sub(1)), Some(chunk(json!({"content": piece}), None))));
    }
    let last = pace.at(tokens(&content).saturating_sub(1));
    if cut {
        // No `[DONE]`, no finish: the body breaks off.
        events.push((last, None));
    } else {
        events.push((last, Some(chunk(json!({}), Some("stop")))));
        if let Some(usage) = usage {
            let mut tail = chunk_value(None, None);
            tail["choices"] = json!([]);
            tail["usage"] = completion(&content, usage)["usage"].take();
            events.push((last, Some(format!("data: {tail}\n\n"))));
        }
        events.push((last, Some("data: [DONE]\n\n".to_owned())));
    }
    let body =
        futures::stream::unfold((events.into_iter(), Some(ending)), move |(mut events, mut ending)| async move {
            let Some((at, event)) = events.next() else {
                drop(ending.take());
                return None;
            };
            tokio::time::sleep_until((started + at).into()).await;
            let item = event.ok_or_else(|| std::io::Error::other("the fake model cut the stream"));
            if item.is_err() {
                drop(ending.take());
            }
            Some((item, (events, ending)))
        });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(body))
        .unwrap()
}

/// One `chat.completion.chunk` event with `delta` (and `finish_reason`).
fn chunk(delta: Value, finish_reason: Option<&str>) -> String {
    format!("data: {}\n\n", chunk_value(Some(delta), finish_reason))
}

fn chunk_value(delta: Option<Value>, finish_reason: Option<&str>) -> Value {
    json!({
        "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": "fake",
        "choices": [{"index": 0, "delta": delta.unwrap_or_else(|| json!({})), "finish_reason": finish_reason, "logprobs": null}],
        "usage": null,
    })
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
    // Every role the schema asks for (all without a list) by its number, with its company
    // and title echoed, bullets rephrased: an experience call's (under `roles`), or those a
    // main call writes too (under `work`, after its main sections).
    let properties = &body["response_format"]["json_schema"]["schema"]["properties"];
    let key = if schema == "resume_main" { "work" } else { "roles" };
    let asked = &properties[key]["items"]["properties"]["role"]["enum"];
    let roles = || -> Vec<Value> {
        candidate["experience"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|role| asked.as_array().is_none_or(|numbers| numbers.contains(&role["role"])))
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
            .collect()
    };
    if schema != "resume_main" {
        return json!({"roles": roles()});
    }
    let mut skills: Vec<Value> = candidate["skills"].as_array().cloned().unwrap_or_default();
    skills.reverse();
    let mut main = json!({"headline": "Model headline for the target",
                          "summary": "Model summary built from the candidate's facts.",
                          "skills": skills});
    if properties.get(key).is_some() {
        main[key] = json!(roles());
    }
    main
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
