//! The JSON of `/api/admin/*` but the jobs search: queues, workers, totals, any user's job
//! with its timeline, the audit log, the history and the error groups, with the
//! conversions of each from `resume.v1` messages.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, required},
    json::time,
    routes::resume::json::Job,
};

/// One queue's depth.
#[derive(Debug, Serialize, ToSchema)]
pub struct Queue {
    /// `priority_high` or `resume_generation`.
    pub name: String,
    pub pending: i64,
    pub in_progress: i64,
    /// Workers take nothing from a paused queue; submissions are still accepted.
    pub paused: bool,
    /// The owners with tasks waiting, most waiting first (at most 10): who the fair queues
    /// are taking turns between.
    pub waiting_by_owner: Vec<OwnerWaiting>,
}

/// How many of one owner's tasks wait in a queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerWaiting {
    pub owner: String,
    pub waiting: i64,
}

impl From<v1::Queue> for Queue {
    fn from(q: v1::Queue) -> Queue {
        let v1::Queue { name, pending, in_progress, paused, waiting_by_owner } = q;
        let waiting_by_owner = waiting_by_owner
            .into_iter()
            .map(|v1::OwnerWaiting { owner, waiting }| OwnerWaiting { owner, waiting })
            .collect();
        Queue { name, pending, in_progress, paused, waiting_by_owner }
    }
}

/// Every queue, highest priority first.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueList {
    pub queues: Vec<Queue>,
}

/// The path of the routes about one queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct QueuePath {
    /// `priority_high` or `resume_generation`.
    pub name: String,
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

/// Whether a worker is live.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum WorkerState {
    Live,
    Lost,
}

/// The live workers, then those lost within the last hour.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerList {
    pub workers: Vec<Worker>,
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

impl From<v1::GetStatsResponse> for Stats {
    fn from(s: v1::GetStatsResponse) -> Stats {
        let v1::GetStatsResponse {
            succeeded,
            failed,
            cancelled,
            cache_hits,
            cache_hit_ratio,
            jobs_last_minute,
            avg_duration_ms,
            retention_days,
        } = s;
        Stats {
            succeeded,
            failed,
            cancelled,
            cache_hits,
            cache_hit_ratio,
            jobs_last_minute,
            avg_duration_ms,
            retention_days,
        }
    }
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

impl TryFrom<v1::AdminJob> for AdminJob {
    type Error = ApiError;

    /// Refused when the server's answer carries no job.
    fn try_from(j: v1::AdminJob) -> Result<AdminJob, ApiError> {
        let v1::AdminJob { job, owner, queue, worker } = j;
        Ok(AdminJob { job: required(job, "job")?.into(), owner, queue, worker })
    }
}

/// A page of every user's jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminJobList {
    pub jobs: Vec<AdminJob>,
    pub next_page_token: Option<String>,
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

impl From<v1::JobEvent> for JobEvent {
    fn from(e: v1::JobEvent) -> JobEvent {
        let v1::JobEvent { at, kind, worker, attempt, detail, error_class } = e;
        JobEvent { at: time(at), kind, worker, attempt, detail, error_class }
    }
}

/// A job and its timeline, oldest first, with whom and what it is for in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDetail {
    pub job: AdminJob,
    pub events: Vec<JobEvent>,
    /// The candidate's name; null once the candidate is deleted.
    pub candidate_name: Option<String>,
    /// The target job's title, when the job has one that still exists.
    pub target_title: Option<String>,
    pub target_company: Option<String>,
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

impl From<v1::AuditEntry> for AuditEntry {
    fn from(e: v1::AuditEntry) -> AuditEntry {
        let v1::AuditEntry { at, user, action, target, matched, changed } = e;
        AuditEntry { at: time(at), user, action, target, matched, changed }
    }
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
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
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
    /// Of `prompt_tokens`, those the provider read from its prompt cache.
    pub cached_tokens: i64,
    pub completion_tokens: i64,
    /// Each job's tokens at `MODEL_PRICES`' price of the model that ran it (cached prompt
    /// tokens at its cached price).
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
            cached_tokens,
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
            cached_tokens,
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

impl From<v1::GetHistoryResponse> for History {
    fn from(h: v1::GetHistoryResponse) -> History {
        let v1::GetHistoryResponse { buckets, cost_per_generated_usd } = h;
        History { buckets: buckets.into_iter().map(Into::into).collect(), cost_per_generated_usd }
    }
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

impl From<v1::ErrorGroup> for ErrorGroup {
    fn from(g: v1::ErrorGroup) -> ErrorGroup {
        let v1::ErrorGroup { id, class, message, count, jobs, first_seen, last_seen, sample_job_id } = g;
        ErrorGroup {
            id,
            class,
            message,
            count,
            jobs,
            first_seen: time(first_seen),
            last_seen: time(last_seen),
            sample_job_id,
        }
    }
}

/// Error groups, largest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorGroupList {
    pub groups: Vec<ErrorGroup>,
}
