//! `resume.v1.WorkerService`: the internal calls through which workers report.

use std::sync::Arc;

use resume_proto::v1::{self, worker_service_server::WorkerService};
use tonic::{Request, Response, Status, Streaming};

use crate::{
    AppState,
    core::{imports, lifecycle, tasks},
};

/// The largest file a worker may hand over.
const MAX_FILE: usize = 20 * 1024 * 1024;

/// The worker API over the shared state.
pub struct WorkerApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl WorkerService for WorkerApi {
    async fn claim_task(
        &self,
        request: Request<v1::ClaimTaskRequest>,
    ) -> Result<Response<v1::ClaimTaskResponse>, Status> {
        Ok(Response::new(tasks::claim(&self.state, request.into_inner()).await?))
    }

    async fn report_progress(
        &self,
        request: Request<v1::ReportProgressRequest>,
    ) -> Result<Response<v1::ReportProgressResponse>, Status> {
        let v1::ReportProgressRequest { job_id, progress, status_text, content_so_far } = request.into_inner();
        let live = lifecycle::Live { status_text, content_so_far };
        let cancelled = tasks::progress(&self.state, &job_id, progress, live).await?;
        Ok(Response::new(v1::ReportProgressResponse { cancelled }))
    }

    async fn complete_task(
        &self,
        request: Request<Streaming<v1::CompleteTaskRequest>>,
    ) -> Result<Response<v1::CompleteTaskResponse>, Status> {
        let mut messages = request.into_inner();
        let first = messages.message().await?.ok_or_else(|| super::missing("the first message"))?;
        let v1::CompleteTaskRequest {
            job_id,
            filename,
            content_type,
            chunk,
            prompt_tokens,
            completion_tokens,
            generation_ms,
            cache_hit,
            made,
            content_key,
            repairs,
            cached_tokens,
            model,
        } = first;
        let mut content = chunk;
        while let Some(message) = messages.message().await? {
            content.extend_from_slice(&message.chunk);
            if content.len() > MAX_FILE {
                return Err(Status::invalid_argument(format!("the file is larger than {MAX_FILE} bytes")));
            }
        }
        let handover = tasks::Handover {
            filename,
            content_type,
            content,
            prompt_tokens,
            cached_tokens,
            completion_tokens,
            model,
            generation_ms,
            cache_hit,
            made: made.map(Into::into),
            content_key,
            repairs,
        };
        let job = tasks::complete(&self.state, &job_id, handover).await?;
        Ok(Response::new(v1::CompleteTaskResponse { job: Some(job) }))
    }

    async fn fail_task(&self, request: Request<v1::FailTaskRequest>) -> Result<Response<v1::FailTaskResponse>, Status> {
        let v1::FailTaskRequest { job_id, error_message, error_class } = request.into_inner();
        let job = tasks::fail(&self.state, &job_id, &error_message, tasks::class_of(&error_class)).await?;
        Ok(Response::new(v1::FailTaskResponse { job: Some(job) }))
    }

    async fn schedule_retry(
        &self,
        request: Request<v1::ScheduleRetryRequest>,
    ) -> Result<Response<v1::ScheduleRetryResponse>, Status> {
        tasks::schedule_retry(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::ScheduleRetryResponse {}))
    }

    async fn report_lost_worker(
        &self,
        request: Request<v1::ReportLostWorkerRequest>,
    ) -> Result<Response<v1::ReportLostWorkerResponse>, Status> {
        tasks::lost_worker(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::ReportLostWorkerResponse {}))
    }

    async fn report_rate_limited(
        &self,
        request: Request<v1::ReportRateLimitedRequest>,
    ) -> Result<Response<v1::ReportRateLimitedResponse>, Status> {
        tasks::rate_limited(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::ReportRateLimitedResponse {}))
    }

    async fn complete_import(
        &self,
        request: Request<v1::CompleteImportRequest>,
    ) -> Result<Response<v1::CompleteImportResponse>, Status> {
        let import = imports::complete(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::CompleteImportResponse { import: Some(import) }))
    }
}
