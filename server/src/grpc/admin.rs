//! `resume.v1.AdminService`.

use std::sync::Arc;

use futures::StreamExt;
use resume_proto::v1::{self, admin_service_server::AdminService};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::ResponseStream;
use crate::{
    AppState,
    auth::Caller,
    core::{actions, admin, batches, budget, history, search, usage},
};

/// The admin API over the shared state.
pub struct AdminApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    async fn list_queues(
        &self,
        _request: Request<v1::ListQueuesRequest>,
    ) -> Result<Response<v1::ListQueuesResponse>, Status> {
        let queues = admin::queues(&self.state).await?;
        Ok(Response::new(v1::ListQueuesResponse { queues }))
    }

    async fn list_workers(
        &self,
        _request: Request<v1::ListWorkersRequest>,
    ) -> Result<Response<v1::ListWorkersResponse>, Status> {
        let workers = admin::workers(&self.state).await?;
        Ok(Response::new(v1::ListWorkersResponse { workers }))
    }

    async fn get_job_detail(
        &self,
        request: Request<v1::GetJobDetailRequest>,
    ) -> Result<Response<v1::GetJobDetailResponse>, Status> {
        Ok(Response::new(admin::job(&self.state, &request.into_inner().job_id).await?))
    }

    async fn list_error_groups(
        &self,
        request: Request<v1::ListErrorGroupsRequest>,
    ) -> Result<Response<v1::ListErrorGroupsResponse>, Status> {
        let groups = admin::error_groups(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::ListErrorGroupsResponse { groups }))
    }

    async fn get_stats(
        &self,
        _request: Request<v1::GetStatsRequest>,
    ) -> Result<Response<v1::GetStatsResponse>, Status> {
        Ok(Response::new(admin::stats(&self.state).await?))
    }

    async fn list_jobs(&self, request: Request<v1::ListJobsRequest>) -> Result<Response<v1::ListJobsResponse>, Status> {
        let (jobs, next_page_token) = search::jobs(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::ListJobsResponse { jobs, next_page_token }))
    }

    async fn list_audit_entries(
        &self,
        request: Request<v1::ListAuditEntriesRequest>,
    ) -> Result<Response<v1::ListAuditEntriesResponse>, Status> {
        let (entries, next_page_token) = actions::audit_log(&self.state, request.into_inner()).await?;
        Ok(Response::new(v1::ListAuditEntriesResponse { entries, next_page_token }))
    }

    async fn retry_job(&self, request: Request<v1::RetryJobRequest>) -> Result<Response<v1::RetryJobResponse>, Status> {
        let by = Caller::of(&request)?.user_id.clone();
        let job = actions::retry(&self.state, &by, &request.into_inner().job_id).await?;
        Ok(Response::new(v1::RetryJobResponse { job: Some(job) }))
    }

    async fn cancel_any_job(
        &self,
        request: Request<v1::CancelAnyJobRequest>,
    ) -> Result<Response<v1::CancelAnyJobResponse>, Status> {
        let by = Caller::of(&request)?.user_id.clone();
        let job = actions::cancel(&self.state, &by, &request.into_inner().job_id).await?;
        Ok(Response::new(v1::CancelAnyJobResponse { job: Some(job) }))
    }

    async fn bulk_jobs(&self, request: Request<v1::BulkJobsRequest>) -> Result<Response<v1::BulkJobsResponse>, Status> {
        let by = Caller::of(&request)?.user_id.clone();
        Ok(Response::new(actions::bulk(&self.state, &by, request.into_inner()).await?))
    }

    async fn pause_queue(
        &self,
        request: Request<v1::PauseQueueRequest>,
    ) -> Result<Response<v1::PauseQueueResponse>, Status> {
        let by = Caller::of(&request)?.user_id.clone();
        let queue = actions::pause(&self.state, &by, &request.into_inner().name).await?;
        Ok(Response::new(v1::PauseQueueResponse { queue: Some(queue) }))
    }

    async fn resume_queue(
        &self,
        request: Request<v1::ResumeQueueRequest>,
    ) -> Result<Response<v1::ResumeQueueResponse>, Status> {
        let by = Caller::of(&request)?.user_id.clone();
        let queue = actions::resume(&self.state, &by, &request.into_inner().name).await?;
        Ok(Response::new(v1::ResumeQueueResponse { queue: Some(queue) }))
    }

    async fn get_history(
        &self,
        request: Request<v1::GetHistoryRequest>,
    ) -> Result<Response<v1::GetHistoryResponse>, Status> {
        Ok(Response::new(history::history(&self.state, request.into_inner()).await?))
    }

    async fn get_spending(
        &self,
        request: Request<v1::GetSpendingRequest>,
    ) -> Result<Response<v1::GetSpendingResponse>, Status> {
        Ok(Response::new(usage::spending(&self.state, request.into_inner()).await?))
    }

    async fn list_recent_batches(
        &self,
        request: Request<v1::ListRecentBatchesRequest>,
    ) -> Result<Response<v1::ListRecentBatchesResponse>, Status> {
        let batches = batches::recent(&self.state, request.into_inner().limit).await?;
        Ok(Response::new(v1::ListRecentBatchesResponse { batches }))
    }

    async fn set_user_budget(
        &self,
        request: Request<v1::SetUserBudgetRequest>,
    ) -> Result<Response<v1::SetUserBudgetResponse>, Status> {
        let by = Caller::of(&request)?.user_id.clone();
        Ok(Response::new(budget::set(&self.state, &by, request.into_inner()).await?))
    }

    type WatchEventsStream = ResponseStream<v1::WatchEventsResponse>;

    async fn watch_events(
        &self,
        _request: Request<v1::WatchEventsRequest>,
    ) -> Result<Response<Self::WatchEventsStream>, Status> {
        let (tx, rx) = mpsc::channel(64);
        let state = self.state.clone();
        tokio::spawn(async move { admin::watch(&state, tx).await });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx).map(|event| event.map_err(Status::from)))))
    }
}
