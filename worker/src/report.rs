//! The worker's gRPC link to the server: claim a task, report progress, hand over the
//! file or the failure. Calls carry a worker-role token the worker signs itself, and the
//! trace context of their task.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use futures::stream;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use resume_proto::{
    content::Content,
    job::ErrorClass,
    v1::{self, worker_service_client::WorkerServiceClient},
};
use serde::Serialize;

use crate::{
    model::{Read, Usage},
    render::Document,
};
use tonic::{
    Request, Status,
    metadata::MetadataValue,
    service::{Interceptor, interceptor::InterceptedService},
    transport::Channel,
};

/// Size of the chunks a file is handed over in.
const CHUNK: usize = 64 * 1024;
/// How long one call to the server may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Lifetime of a minted token; it is renewed well before it ends.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Serialize)]
struct Claims<'a> {
    sub: &'a str,
    exp: i64,
    roles: [&'static str; 1],
}

/// A signed `authorization` value and when to replace it (unix seconds).
type Minted = (MetadataValue<tonic::metadata::Ascii>, i64);

/// Adds `authorization: Bearer <worker token>` to every call, minting a new token when
/// the current one is past half its life.
#[derive(Clone)]
pub struct WorkerToken {
    key: Arc<EncodingKey>,
    subject: String,
    current: Arc<Mutex<Option<Minted>>>,
}

impl WorkerToken {
    /// Tokens for worker `worker_id`, signed with `secret`.
    pub fn new(secret: &str, worker_id: &str) -> Result<WorkerToken, jsonwebtoken::errors::Error> {
        Ok(WorkerToken {
            key: Arc::new(EncodingKey::from_secret(secret.as_bytes())?),
            subject: format!("worker:{worker_id}"),
            current: Arc::default(),
        })
    }

    fn header(&self) -> Result<MetadataValue<tonic::metadata::Ascii>, Status> {
        let now = chrono::Utc::now().timestamp();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((value, renew_at)) = current.as_ref()
            && now < *renew_at
        {
            return Ok(value.clone());
        }
        let lifetime = TOKEN_LIFETIME.as_secs() as i64;
        let claims = Claims { sub: &self.subject, exp: now + lifetime, roles: ["worker"] };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|_| Status::internal("could not sign the worker token"))?;
        let value: MetadataValue<_> =
            format!("Bearer {token}").parse().map_err(|_| Status::internal("unprintable worker token"))?;
        *current = Some((value.clone(), now + lifetime / 2));
        Ok(value)
    }
}

impl Interceptor for WorkerToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request.metadata_mut().insert("authorization", self.header()?);
        // The call continues the trace of the task it is made for.
        runtime::trace::inject(&mut request);
        request.set_timeout(CALL_TIMEOUT);
        Ok(request)
    }
}

/// Where a finished document came from and what it cost.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub usage: Usage,
    /// The model that made the content; `None` when none ran for this job.
    pub model: Option<String>,
    pub generation_ms: i64,
    /// Taken from the result cache, not generated for this job.
    pub cache_hit: bool,
    /// The kind of each repair made to the model's reply.
    pub repairs: Vec<&'static str>,
}

/// The largest claim this worker reads: an import's file (the server takes at most
/// `IMPORT_MAX_BYTES`, 5 MiB by default) and room to spare.
const MAX_CLAIM: usize = 64 * 1024 * 1024;

/// The server's `WorkerService`, as this worker calls it.
#[derive(Clone)]
pub struct Reporter {
    client: WorkerServiceClient<InterceptedService<Channel, WorkerToken>>,
    worker_id: String,
}

impl Reporter {
    /// A reporter over `channel`, signing as `worker_id`.
    pub fn new(channel: Channel, token: WorkerToken, worker_id: &str) -> Reporter {
        // A claim of an import carries the uploaded file in one message.
        let client = WorkerServiceClient::with_interceptor(channel, token).max_decoding_message_size(MAX_CLAIM);
        Reporter { client, worker_id: worker_id.to_owned() }
    }

    /// Claims `task`'s job; with `reuse`, the server also looks for a content an earlier
    /// job made from the same data.
    pub async fn claim(&self, task: &v1::ResumeTask, reuse: bool) -> Result<v1::ClaimTaskResponse, Status> {
        let request = v1::ClaimTaskRequest {
            job_id: task.job_id.clone(),
            worker_id: self.worker_id.clone(),
            content_key: if reuse { task.content_key.clone() } else { String::new() },
            fresh: task.fresh,
            run: task.run,
            candidate_id: task.candidate_id,
            job_row_id: task.job_row_id,
        };
        Ok(self.client.clone().claim_task(request).await?.into_inner())
    }

    /// Reports progress, what is being written (`status_text`) and the content written so
    /// far when it changed; answers whether the job was cancelled meanwhile.
    pub async fn progress(
        &self,
        job_id: &str,
        progress: i32,
        status_text: Option<&str>,
        content_so_far: Option<&v1::ResumeContent>,
    ) -> Result<bool, Status> {
        let request = v1::ReportProgressRequest {
            job_id: job_id.to_owned(),
            progress,
            status_text: status_text.map(str::to_owned),
            content_so_far: content_so_far.cloned(),
        };
        Ok(self.client.clone().report_progress(request).await?.into_inner().cancelled)
    }

    /// Hands over the finished file, streamed in chunks, with what making it cost.
    pub async fn complete(
        &self,
        job_id: &str,
        document: &Document,
        made: Option<(&Content, &str)>,
        provenance: Provenance,
    ) -> Result<(), Status> {
        let Provenance { usage, model, generation_ms, cache_hit, repairs } = provenance;
        let Document { filename, content_type, bytes } = document;
        let mut messages: Vec<v1::CompleteTaskRequest> = bytes
            .chunks(CHUNK)
            .map(|chunk| v1::CompleteTaskRequest { chunk: chunk.to_vec(), ..Default::default() })
            .collect();
        if messages.is_empty() {
            messages.push(v1::CompleteTaskRequest::default());
        }
        messages[0].job_id = job_id.to_owned();
        messages[0].filename = filename.to_owned();
        messages[0].content_type = content_type.clone();
        messages[0].prompt_tokens = usage.prompt_tokens as i32;
        messages[0].completion_tokens = usage.completion_tokens as i32;
        messages[0].cached_tokens = usage.cached_tokens as i32;
        messages[0].model = model.unwrap_or_default();
        messages[0].generation_ms = generation_ms;
        messages[0].cache_hit = cache_hit;
        messages[0].repairs = repairs.into_iter().map(str::to_owned).collect();
        if let Some((content, content_key)) = made {
            messages[0].made = Some(content.clone().into());
            messages[0].content_key = content_key.to_owned();
        }
        self.client.clone().complete_task(stream::iter(messages)).await?;
        Ok(())
    }

    /// Hands over an import's draft, its warnings and what reading it (by `model`) cost.
    pub async fn complete_import(
        &self,
        job_id: &str,
        read: &Read,
        model: &str,
        generation_ms: i64,
    ) -> Result<(), Status> {
        let request = v1::CompleteImportRequest {
            job_id: job_id.to_owned(),
            draft: Some(read.candidate.clone()),
            warnings: read.warnings.iter().cloned().map(Into::into).collect(),
            prompt_tokens: read.usage.prompt_tokens as i32,
            completion_tokens: read.usage.completion_tokens as i32,
            generation_ms,
            cached_tokens: read.usage.cached_tokens as i32,
            model: model.to_owned(),
        };
        self.client.clone().complete_import(request).await?;
        Ok(())
    }

    /// Records that the job failed for good.
    pub async fn fail(&self, job_id: &str, error_message: &str, error_class: ErrorClass) -> Result<(), Status> {
        let request = v1::FailTaskRequest {
            job_id: job_id.to_owned(),
            error_message: error_message.to_owned(),
            error_class: error_class.as_str().to_owned(),
        };
        self.client.clone().fail_task(request).await?;
        Ok(())
    }

    /// Records that an attempt failed (`error_class`, `error_message`) and the task will be
    /// tried again in `after`.
    pub async fn schedule_retry(
        &self,
        job_id: &str,
        error_class: ErrorClass,
        error_message: &str,
        after: Duration,
    ) -> Result<(), Status> {
        let request = v1::ScheduleRetryRequest {
            job_id: job_id.to_owned(),
            worker_id: self.worker_id.clone(),
            error_class: error_class.as_str().to_owned(),
            error_message: error_message.to_owned(),
            retry_in_ms: after.as_millis() as i64,
        };
        self.client.clone().schedule_retry(request).await?;
        Ok(())
    }

    /// Records that worker `lost` is lost, what it last said of itself and the jobs of the
    /// tasks it held (about to go back to their queues).
    pub async fn lost_worker(
        &self,
        lost: &str,
        last_heartbeat: Option<v1::WorkerHeartbeat>,
        job_ids: Vec<String>,
    ) -> Result<(), Status> {
        let request = v1::ReportLostWorkerRequest {
            worker_id: self.worker_id.clone(),
            lost_worker_id: lost.to_owned(),
            last_heartbeat,
            job_ids,
        };
        self.client.clone().report_lost_worker(request).await?;
        Ok(())
    }

    /// Records that the task rate limit makes job `job_id` wait `wait`.
    pub async fn rate_limited(&self, job_id: &str, wait: Duration) -> Result<(), Status> {
        let request = v1::ReportRateLimitedRequest {
            job_id: job_id.to_owned(),
            worker_id: self.worker_id.clone(),
            wait_ms: wait.as_millis() as i64,
        };
        self.client.clone().report_rate_limited(request).await?;
        Ok(())
    }
}
