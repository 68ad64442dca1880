//! The REST API's JSON shapes and their conversions to and from `resume.v1` messages.
//! Requests reject unknown fields; responses use `null` for absent values and RFC 3339
//! UTC times.

use chrono::{DateTime, SecondsFormat, Utc};
use resume_proto::{time::from_timestamp, v1};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Integers in request bodies as JSON Schema counts them: `7` and `7.0` alike (serde's own
/// integers refuse `7.0`, which the document's `integer` type allows).
mod integer {
    use serde::{Deserialize, Deserializer, de::Error};

    /// A whole number in range of `T`, written with or without a zero fraction.
    fn whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(value: serde_json::Number) -> Result<T, D::Error> {
        let n = match (value.as_i64(), value.as_f64()) {
            (Some(n), _) => Some(n),
            // Beyond 2^53 a float is not exactly the integer it was written as.
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 2f64.powi(53) => Some(f as i64),
            _ => None,
        };
        n.and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| D::Error::custom(format!("invalid value: {value}, expected an integer in range")))
    }

    pub fn required<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<T, D::Error> {
        whole::<D, T>(serde_json::Number::deserialize(deserializer)?)
    }

    pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<serde_json::Number>::deserialize(deserializer)?.map(whole::<D, T>).transpose()
    }
}

/// Objects in request bodies as JSON Schema types them: serde reads a struct from an array
/// too (`[null, null]` as a two-field struct), which the document's `object` type refuses.
mod object {
    use serde::{Deserialize, Deserializer, de::DeserializeOwned, de::Error};

    pub fn optional<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value @ serde_json::Value::Object(_)) => {
                serde_json::from_value(value).map(Some).map_err(D::Error::custom)
            }
            Some(other) => Err(D::Error::custom(format!("invalid type: {}, expected an object", kind(&other)))),
        }
    }

    fn kind(value: &serde_json::Value) -> &'static str {
        match value {
            serde_json::Value::Array(_) => "array",
            serde_json::Value::String(_) => "string",
            serde_json::Value::Number(_) => "number",
            serde_json::Value::Bool(_) => "boolean",
            serde_json::Value::Null | serde_json::Value::Object(_) => "value",
        }
    }
}

/// Schema-only shapes of list items the server checks, so that the document states the
/// server's rules (required text is not blank, `\S`; lengths in characters) for them as
/// the fields' own attributes do for the rest.
pub mod rules {
    use utoipa::ToSchema;

    /// One skill: not blank, at most 100 characters.
    #[derive(ToSchema)]
    #[schema(value_type = String, min_length = 1, max_length = 100, pattern = r"\S")]
    pub struct Skill(pub String);

    /// A file's bytes.
    #[derive(ToSchema)]
    #[schema(value_type = String, format = Binary)]
    pub struct Document(pub Vec<u8>);

    /// One highlight of a role: not blank, at most 1,000 characters.
    #[derive(ToSchema)]
    #[schema(value_type = String, min_length = 1, max_length = 1000, pattern = r"\S")]
    pub struct Highlight(pub String);
}

/// A protobuf time as the API shows times: RFC 3339, UTC, `Z`.
/// The query parameter `field`, an RFC 3339 time, as a protobuf timestamp; none when it is
/// absent.
pub fn parse_time(field: &str, value: Option<&str>) -> Result<Option<prost_types::Timestamp>, crate::error::ApiError> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| resume_proto::time::to_timestamp(t.with_timezone(&Utc)))
                .map_err(|_| crate::error::ApiError::invalid(format!("{field} must be an RFC 3339 time")))
        })
        .transpose()
}

pub fn time(t: Option<prost_types::Timestamp>) -> Option<String> {
    t.as_ref().and_then(from_timestamp).map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// A link shown in the contact line.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S", example = "GitHub")]
    pub label: String,
    #[schema(max_length = 2048, pattern = r"^https?://\S+$", example = "https://github.com/ada")]
    pub url: String,
}

/// One role; `end` null while current.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub company: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub location: Option<String>,
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$", example = "2020-01")]
    pub start: String,
    /// Not before `start`.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub end: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<rules::Highlight>, max_items = 30)]
    pub highlights: Vec<String>,
}

/// One degree or course.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Education {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub institution: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub degree: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub field: Option<String>,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub start: Option<String>,
    /// Not before `start`.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub end: Option<String>,
}

/// One certification.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub issuer: Option<String>,
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1900, maximum = 2100)]
    pub year: Option<i32>,
}

/// A candidate as the API shows it, and (without `id` and `created_at`, which are
/// ignored when sent) as it is created.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// Given by the server; ignored when sent.
    #[serde(default, deserialize_with = "integer::optional")]
    pub id: Option<i64>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Ada Lovelace")]
    pub full_name: String,
    #[serde(default)]
    #[schema(max_length = 254, pattern = r"^[^@\s]+@[^\s.]\S*\.\S*[^\s.]$", example = "ada@example.com")]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    /// Decides the PDF's paper: US Letter in the US or Canada, A4 elsewhere.
    #[serde(default)]
    #[schema(max_length = 200, example = "London, UK")]
    pub location: Option<String>,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub links: Vec<Link>,
    #[serde(default)]
    #[schema(value_type = Vec<rules::Skill>, max_items = 100)]
    pub skills: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub education: Vec<Education>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub certifications: Vec<Certification>,
    /// Given by the server (RFC 3339, UTC); ignored when sent.
    #[serde(default)]
    pub created_at: Option<String>,
}

impl From<Candidate> for v1::Candidate {
    fn from(c: Candidate) -> v1::Candidate {
        let Candidate {
            id: _,
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links,
            skills,
            experience,
            education,
            certifications,
            created_at: _,
        } = c;
        v1::Candidate {
            id: 0,
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links: links.into_iter().map(|Link { label, url }| v1::Link { label, url }).collect(),
            skills,
            experience: experience.into_iter().map(v1::Experience::from).collect(),
            education: education.into_iter().map(v1::Education::from).collect(),
            certifications: certifications.into_iter().map(v1::Certification::from).collect(),
            created_at: None,
        }
    }
}

impl From<Experience> for v1::Experience {
    fn from(e: Experience) -> v1::Experience {
        let Experience { company, title, location, start, end, highlights } = e;
        v1::Experience { company, title, location, start, end, highlights }
    }
}

impl From<Education> for v1::Education {
    fn from(e: Education) -> v1::Education {
        let Education { institution, degree, field, start, end } = e;
        v1::Education { institution, degree, field, start, end }
    }
}

impl From<Certification> for v1::Certification {
    fn from(c: Certification) -> v1::Certification {
        let Certification { name, issuer, year } = c;
        v1::Certification { name, issuer, year }
    }
}

impl From<v1::Candidate> for Candidate {
    fn from(c: v1::Candidate) -> Candidate {
        let v1::Candidate {
            id,
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links,
            skills,
            experience,
            education,
            certifications,
            created_at,
        } = c;
        Candidate {
            id: Some(id),
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links: links.into_iter().map(|v1::Link { label, url }| Link { label, url }).collect(),
            skills,
            experience: experience.into_iter().map(Experience::from).collect(),
            education: education.into_iter().map(Education::from).collect(),
            certifications: certifications.into_iter().map(Certification::from).collect(),
            created_at: time(created_at),
        }
    }
}

impl From<v1::Experience> for Experience {
    fn from(e: v1::Experience) -> Experience {
        let v1::Experience { company, title, location, start, end, highlights } = e;
        Experience { company, title, location, start, end, highlights }
    }
}

impl From<v1::Education> for Education {
    fn from(e: v1::Education) -> Education {
        let v1::Education { institution, degree, field, start, end } = e;
        Education { institution, degree, field, start, end }
    }
}

impl From<v1::Certification> for Certification {
    fn from(c: v1::Certification) -> Certification {
        let v1::Certification { name, issuer, year } = c;
        Certification { name, issuer, year }
    }
}

/// What a finished resume says, ready to render: the model's wording (headline, summary,
/// the skills in order, each role's bullets) over the candidate's facts. An edited one may
/// reword, reorder and leave out, never add or change a fact (name, employers, titles,
/// locations, dates, schools, certifications).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Content {
    #[schema(example = "Ada Lovelace")]
    pub full_name: String,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: Option<String>,
    /// Most relevant first.
    #[serde(default)]
    #[schema(value_type = Vec<rules::Skill>, max_items = 100)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
}

impl From<Content> for v1::ResumeContent {
    fn from(c: Content) -> v1::ResumeContent {
        let Content { full_name, headline, summary, skills, experience, education, certifications } = c;
        v1::ResumeContent {
            full_name,
            headline,
            summary,
            skills,
            experience: experience.into_iter().map(v1::Experience::from).collect(),
            education: education.into_iter().map(v1::Education::from).collect(),
            certifications: certifications.into_iter().map(v1::Certification::from).collect(),
        }
    }
}

/// An edited content of a SUCCESS job of the caller's, to render in a new job.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Render {
    /// The SUCCESS job whose content was edited (a UUID, hyphenated).
    #[schema(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub job_id: String,
    pub content: Content,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
}

impl From<Render> for v1::RenderResumeRequest {
    fn from(r: Render) -> v1::RenderResumeRequest {
        let Render { job_id, content, file_type } = r;
        v1::RenderResumeRequest { job_id, content: Some(content.into()), file_type }
    }
}

impl From<v1::ResumeContent> for Content {
    fn from(c: v1::ResumeContent) -> Content {
        let v1::ResumeContent { full_name, headline, summary, skills, experience, education, certifications } = c;
        Content {
            full_name,
            headline,
            summary,
            skills,
            experience: experience.into_iter().map(Experience::from).collect(),
            education: education.into_iter().map(Education::from).collect(),
            certifications: certifications.into_iter().map(Certification::from).collect(),
        }
    }
}

/// A finished job's content.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobContent {
    /// A UUID.
    pub job_id: String,
    pub content: Content,
}

/// A page of candidates, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateList {
    pub candidates: Vec<Candidate>,
    pub next_page_token: Option<String>,
}

/// A target job to add: the job a resume is tailored to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCandidateJob {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Backend Engineer")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub company: Option<String>,
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub description: String,
}

/// A target job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateJob {
    pub id: i64,
    pub candidate_id: i64,
    pub title: String,
    pub company: Option<String>,
    pub description: String,
    pub created_at: Option<String>,
}

impl From<v1::CandidateJob> for CandidateJob {
    fn from(j: v1::CandidateJob) -> CandidateJob {
        let v1::CandidateJob { id, candidate_id, title, company, description, created_at } = j;
        CandidateJob { id, candidate_id, title, company, description, created_at: time(created_at) }
    }
}

/// A candidate's target jobs.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateJobList {
    pub jobs: Vec<CandidateJob>,
}

/// What to generate: a resume of a candidate, for one of their target jobs or general.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    #[serde(deserialize_with = "integer::required")]
    #[schema(minimum = 1)]
    pub candidate_id: i64,
    /// The target job; absent or null for a general resume.
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1)]
    pub job_row_id: Option<i64>,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    /// Bypass every cache and make a new variant (false when absent).
    #[serde(default)]
    pub fresh: bool,
}

/// The format of a resume (the server checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Word,
    Pdf,
    Text,
    Markdown,
}

/// Which queue a job waits in: `high` starts before any waiting `default` job (the server
/// checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Default,
    High,
}

impl From<Generate> for v1::GenerateResumeRequest {
    fn from(g: Generate) -> v1::GenerateResumeRequest {
        let Generate { candidate_id, job_row_id, file_type, priority, fresh } = g;
        v1::GenerateResumeRequest { candidate_id, job_row_id, file_type, priority, fresh }
    }
}

/// A generation job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    /// A UUID.
    pub job_id: String,
    pub candidate_id: i64,
    pub job_row_id: Option<i64>,
    #[schema(value_type = JobStatus)]
    pub status: String,
    /// 0–100, never backwards; 100 exactly when `SUCCESS`.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i32,
    #[schema(value_type = FileType)]
    pub file_type: String,
    #[schema(value_type = Priority)]
    pub priority: String,
    /// The download path, once `SUCCESS`.
    pub result_url: Option<String>,
    /// For example `Ada_Lovelace_Resume.docx`, once `SUCCESS`.
    pub filename: Option<String>,
    /// What went wrong, in words a user can act on, on `FAILURE`.
    pub error_message: Option<String>,
    /// Answered from the result cache, without a model call.
    pub cache_hit: bool,
    pub attempts: i32,
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub generation_ms: i64,
    /// The job whose edited content this one rendered (no model call); null otherwise.
    pub edited_from: Option<String>,
}

/// Where a job is (the server checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Pending,
    Processing,
    Success,
    Failure,
    Cancelled,
}

impl From<v1::Job> for Job {
    fn from(j: v1::Job) -> Job {
        let v1::Job {
            job_id,
            candidate_id,
            job_row_id,
            status,
            progress,
            file_type,
            priority,
            result_url,
            filename,
            error_message,
            cache_hit,
            attempts,
            created_at,
            started_at,
            completed_at,
            prompt_tokens,
            completion_tokens,
            generation_ms,
            edited_from,
        } = j;
        Job {
            job_id,
            candidate_id,
            job_row_id,
            status,
            progress,
            file_type,
            priority,
            result_url,
            filename,
            error_message,
            cache_hit,
            attempts,
            created_at: time(created_at),
            started_at: time(started_at),
            completed_at: time(completed_at),
            prompt_tokens,
            completion_tokens,
            generation_ms,
            edited_from,
        }
    }
}

/// A page of jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    pub jobs: Vec<Job>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// The path of the routes about one candidate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CandidatePath {
    /// The candidate's id.
    #[param(minimum = 1)]
    pub id: i64,
}

/// The path of the routes about one target job of a candidate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CandidateJobPath {
    /// The candidate's id.
    #[param(minimum = 1)]
    pub id: i64,
    /// The target job's id.
    #[param(minimum = 1)]
    pub job_row_id: i64,
}

/// The path of the routes about one job.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobPath {
    /// The job's id, a UUID (hyphenated).
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub job_id: String,
}

/// The paging query of the list routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
}

/// The query of `GET /api/resume-async/my-jobs`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyJobsQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
    /// Only jobs in this status.
    #[param(value_type = Option<JobStatus>)]
    pub status: Option<String>,
    /// Only this candidate's jobs.
    #[param(minimum = 1)]
    pub candidate_id: Option<i64>,
}

/// One queue's depth.
#[derive(Debug, Serialize, ToSchema)]
pub struct Queue {
    /// `priority_high` or `resume_generation`.
    pub name: String,
    pub pending: i64,
    pub in_progress: i64,
    /// Workers take nothing from a paused queue; submissions are still accepted.
    pub paused: bool,
}

impl From<v1::Queue> for Queue {
    fn from(q: v1::Queue) -> Queue {
        let v1::Queue { name, pending, in_progress, paused } = q;
        Queue { name, pending, in_progress, paused }
    }
}

/// Every queue, highest priority first.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueList {
    pub queues: Vec<Queue>,
}

/// A worker: live (its heartbeat renewed), or lost within the last hour.
#[derive(Debug, Serialize, ToSchema)]
pub struct Worker {
    pub id: String,
    pub host: String,
    pub concurrency: i32,
    pub active: i32,
    pub processed: i64,
    pub failed: i64,
    pub last_heartbeat: Option<String>,
    /// `live`, or `lost`: its heartbeat expired within the last hour.
    #[schema(value_type = WorkerState)]
    pub state: String,
    /// When a lost worker was found so (RFC 3339); null for a live one.
    pub lost_at: Option<String>,
    /// The jobs of the tasks a lost worker held: they went back to their queues.
    pub held_job_ids: Vec<String>,
}

/// Whether a worker is live.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WorkerState {
    Live,
    Lost,
}

impl From<v1::Worker> for Worker {
    fn from(w: v1::Worker) -> Worker {
        let v1::Worker {
            id,
            host,
            concurrency,
            active,
            processed,
            failed,
            last_heartbeat,
            state,
            lost_at,
            held_job_ids,
        } = w;
        Worker {
            id,
            host,
            concurrency,
            active,
            processed,
            failed,
            last_heartbeat: time(last_heartbeat),
            state,
            lost_at: time(lost_at),
            held_job_ids,
        }
    }
}

/// The live workers, then those lost within the last hour.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerList {
    pub workers: Vec<Worker>,
}

/// Any user's job, as operators see it: the Job, whose it is, its queue and the worker that
/// claimed it last.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminJob {
    #[serde(flatten)]
    pub job: Job,
    pub owner: String,
    /// `priority_high` or `resume_generation`.
    pub queue: String,
    pub worker: Option<String>,
}

/// One entry of a job's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobEvent {
    /// RFC 3339.
    pub at: Option<String>,
    /// `submitted`, `answered_from_cache`, `queued`, `claimed`, `retry_scheduled`,
    /// `succeeded`, `failed`, `cancelled`, `requeued` or `retried`.
    pub kind: String,
    pub worker: Option<String>,
    pub attempt: Option<i32>,
    pub detail: Option<String>,
    /// A failure's or a retry's kind, e.g. `model_unavailable`.
    pub error_class: Option<String>,
}

/// A job and its timeline, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDetail {
    pub job: AdminJob,
    pub events: Vec<JobEvent>,
}

/// The window of `GET /api/admin/errors`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErrorsQuery {
    /// RFC 3339; 30 days before `until` when absent.
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// RFC 3339; now when absent.
    #[param(format = DateTime)]
    pub until: Option<String>,
}

/// The search of `GET /api/admin/jobs`: every condition given must hold. Its fields are
/// [`JobFilter`]'s, spelled out rather than flattened: a flattened query reads every value
/// as a string, so `candidate_id` would be refused.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
    #[param(value_type = Option<JobStatus>)]
    pub status: Option<String>,
    /// The user id of whoever submitted it.
    pub owner: Option<String>,
    #[param(minimum = 1)]
    pub candidate_id: Option<i64>,
    #[param(value_type = Option<QueueName>, inline)]
    pub queue: Option<String>,
    /// The worker that claimed it last.
    pub worker: Option<String>,
    /// An error group's `id`: jobs with a failure or retried attempt in it.
    pub error_group: Option<String>,
    /// Text in the error message (case-insensitive).
    pub q: Option<String>,
    /// Submitted at or after this RFC 3339 time.
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Submitted before this RFC 3339 time.
    #[param(format = DateTime)]
    pub until: Option<String>,
}

impl JobsQuery {
    /// The filter, and the page asked for.
    pub fn into_request(self) -> Result<v1::ListJobsRequest, crate::error::ApiError> {
        let JobsQuery { limit, page_token, status, owner, candidate_id, queue, worker, error_group, q, since, until } =
            self;
        let filter = JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until };
        Ok(v1::ListJobsRequest { filter: Some(filter.try_into()?), limit, page_token: page_token.unwrap_or_default() })
    }
}

/// Which jobs a bulk action covers: the keys of the jobs search, every one given must hold.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobFilter {
    #[serde(default)]
    #[schema(value_type = Option<JobStatus>)]
    pub status: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1)]
    pub candidate_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<QueueName>, inline)]
    pub queue: Option<String>,
    #[serde(default)]
    pub worker: Option<String>,
    #[serde(default)]
    pub error_group: Option<String>,
    /// Text in the error message (case-insensitive).
    #[serde(default)]
    pub q: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub since: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub until: Option<String>,
}

impl TryFrom<JobFilter> for v1::JobFilter {
    type Error = crate::error::ApiError;

    /// An empty text is no condition (as an empty field of a search form); an empty time
    /// is not a time.
    fn try_from(f: JobFilter) -> Result<v1::JobFilter, Self::Error> {
        let JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until } = f;
        let given = |value: Option<String>| value.filter(|v| !v.is_empty());
        Ok(v1::JobFilter {
            since: parse_time("since", since.as_deref())?,
            until: parse_time("until", until.as_deref())?,
            status: given(status),
            owner: given(owner),
            candidate_id,
            queue: given(queue),
            worker: given(worker),
            error_group: given(error_group),
            q: given(q),
        })
    }
}

/// A queue's name.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueName {
    PriorityHigh,
    ResumeGeneration,
}

/// A page of every user's jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminJobList {
    pub jobs: Vec<AdminJob>,
    pub next_page_token: Option<String>,
}

/// What to do to every job a filter matches.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bulk {
    /// `retry` (FAILURE and CANCELLED jobs run again) or `cancel` (jobs not ended).
    #[schema(value_type = BulkAction)]
    pub action: String,
    /// Every job when absent.
    #[serde(default, deserialize_with = "object::optional")]
    pub filter: Option<JobFilter>,
    /// Only count how many jobs match and how many would change (false when absent).
    #[serde(default)]
    pub dry_run: bool,
}

/// A bulk action.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BulkAction {
    Retry,
    Cancel,
}

/// How many jobs a bulk action's filter matched, and how many it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    pub matched: i64,
    pub changed: i64,
}

/// The path of the routes about one queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct QueuePath {
    /// `priority_high` or `resume_generation`.
    pub name: String,
}

/// One operator action.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// RFC 3339.
    pub at: Option<String>,
    /// The acting user's id.
    pub user: String,
    /// `retry`, `cancel`, `bulk_retry`, `bulk_cancel`, `pause` or `resume`.
    pub action: String,
    /// A job id, a queue name, or a bulk action's filter (`key=value&…`).
    pub target: String,
    /// Jobs the action covered, and those it changed.
    pub matched: i64,
    pub changed: i64,
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
    pub next_page_token: Option<String>,
}

/// The window of `GET /api/admin/history`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// `1h`, `24h` (when absent), `7d` or `30d`.
    #[param(value_type = Option<HistoryWindow>, inline)]
    pub window: Option<String>,
    /// Seconds per bucket: at least 60, and at most 2,000 buckets to the window (60 for
    /// 1h, 900 for 24h, 3600 for 7d, 14400 for 30d when absent).
    #[param(minimum = 60)]
    pub bucket: Option<i64>,
}

/// A history window.
#[derive(ToSchema)]
pub enum HistoryWindow {
    #[schema(rename = "1h")]
    Hour,
    #[schema(rename = "24h")]
    Day,
    #[schema(rename = "7d")]
    Week,
    #[schema(rename = "30d")]
    Month,
}

/// One bucket of time: jobs submitted in it, and jobs that ended in it with how long they
/// waited and ran and what their model calls cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryBucket {
    /// RFC 3339.
    pub start: Option<String>,
    pub submitted: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// Successes without a model call (the result cache or a stored content).
    pub cache_hits: i64,
    /// From submission to the first claim; null when no job that ran ended in the bucket.
    pub wait_p50_ms: Option<f64>,
    pub wait_p95_ms: Option<f64>,
    /// From the first claim to the end, of the successes that ran.
    pub run_p50_ms: Option<f64>,
    pub run_p95_ms: Option<f64>,
    pub run_p99_ms: Option<f64>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// The tokens at `MODEL_PRICES`' price of the model.
    pub cost_usd: f64,
}

impl From<v1::HistoryBucket> for HistoryBucket {
    fn from(b: v1::HistoryBucket) -> HistoryBucket {
        let v1::HistoryBucket {
            start,
            submitted,
            succeeded,
            failed,
            cancelled,
            cache_hits,
            wait_p50_ms,
            wait_p95_ms,
            run_p50_ms,
            run_p95_ms,
            run_p99_ms,
            prompt_tokens,
            completion_tokens,
            cost_usd,
        } = b;
        HistoryBucket {
            start: time(start),
            submitted,
            succeeded,
            failed,
            cancelled,
            cache_hits,
            wait_p50_ms,
            wait_p95_ms,
            run_p50_ms,
            run_p95_ms,
            run_p99_ms,
            prompt_tokens,
            completion_tokens,
            cost_usd,
        }
    }
}

/// Every bucket of the window, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub buckets: Vec<HistoryBucket>,
    /// What one resume made by the model cost on average over the window: about what a
    /// cache hit saves.
    pub cost_per_generated_usd: f64,
}

/// Failures and retried attempts that share an error class and a message once ids, numbers
/// and times are stripped.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorGroup {
    /// Stable for the same class and message.
    pub id: String,
    /// e.g. `model_unavailable`, `model_refused`, `render_failed`.
    pub class: String,
    /// The normalised message (`#` where an id, number or time stood).
    pub message: String,
    pub count: i64,
    /// Distinct jobs.
    pub jobs: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub sample_job_id: String,
}

/// Error groups, largest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorGroupList {
    pub groups: Vec<ErrorGroup>,
}

/// Totals across every user's jobs.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub cache_hits: i64,
    pub cache_hit_ratio: f64,
    pub jobs_last_minute: i64,
    pub avg_duration_ms: f64,
    /// How many days timelines and finished jobs' files are kept (0: for good); job rows
    /// and the audit log are kept for good.
    pub retention_days: i32,
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Readiness and what it checked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ok` or `unavailable`.
    pub status: String,
    pub checks: Checks,
}

/// Each check of readiness: `ok` or `unavailable`; `server` only when it did not answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Checks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<String>,
    /// Workers with a live heartbeat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_filter_is_an_object_and_its_empty_values_are_no_conditions() {
        let bulk = |body: &str| serde_json::from_str::<Bulk>(body).map_err(|e| e.to_string());
        let error = bulk(r#"{"action": "retry", "filter": [null, null]}"#).unwrap_err();
        assert!(error.contains("expected an object"), "{error}");
        assert!(bulk(r#"{"action": "retry", "filter": {"colour": 1}}"#).unwrap_err().contains("unknown field"));
        assert!(bulk(r#"{"action": "retry", "filter": null}"#).unwrap().filter.is_none());
        let body = r#"{"action": "cancel", "filter": {"owner": "", "queue": "", "status": "PENDING"}}"#;
        let filter = v1::JobFilter::try_from(bulk(body).unwrap().filter.unwrap()).unwrap();
        assert_eq!((filter.owner, filter.queue), (None, None));
        assert_eq!(filter.status.as_deref(), Some("PENDING"));
        let body = r#"{"action": "cancel", "filter": {"since": ""}}"#;
        let error = v1::JobFilter::try_from(bulk(body).unwrap().filter.unwrap()).unwrap_err();
        assert_eq!(error.message, "since must be an RFC 3339 time");
    }

    #[test]
    fn times_are_rfc3339_utc_with_z() {
        let t = prost_types::Timestamp { seconds: 1_795_860_000, nanos: 123_456_000 };
        assert_eq!(time(Some(t)).unwrap(), "2026-11-28T10:00:00.123456Z");
        assert_eq!(time(None), None);
    }

    #[test]
    fn a_candidate_round_trips_and_ignores_read_only_fields() {
        let body = r#"{"id": 9, "full_name": "Ada", "skills": ["Rust"], "created_at": "x",
            "experience": [{"company": "C", "title": "T", "start": "2020", "end": null}]}"#;
        let candidate: Candidate = serde_json::from_str(body).unwrap();
        let proto = v1::Candidate::from(candidate);
        assert_eq!(proto.id, 0);
        assert_eq!(proto.experience[0].end, None);
        let shown = serde_json::to_value(Candidate::from(proto)).unwrap();
        assert_eq!(shown["email"], serde_json::Value::Null);
        assert_eq!(shown["skills"][0], "Rust");
    }

    #[test]
    fn integers_may_carry_a_zero_fraction() {
        let generate: Generate = serde_json::from_str(r#"{"candidate_id": 7632.0, "job_row_id": 2}"#).unwrap();
        assert_eq!((generate.candidate_id, generate.job_row_id), (7632, Some(2)));
        for body in [
            r#"{"candidate_id": 1.5}"#,
            r#"{"candidate_id": "1"}"#,
            r#"{"candidate_id": 1e300}"#,
            r#"{"candidate_id": 9223372036854775808}"#,
            r#"{"candidate_id": -9223372036854775809}"#,
        ] {
            assert!(serde_json::from_str::<Generate>(body).is_err(), "{body}");
        }
        let year = r#"{"name": "CKA", "year": 2021.0}"#;
        assert_eq!(serde_json::from_str::<Certification>(year).unwrap().year, Some(2021));
        assert!(serde_json::from_str::<Certification>(r#"{"name": "CKA", "year": 9999999999}"#).is_err());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Generate>(r#"{"candidate_id": 1, "colour": "red"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }
}
