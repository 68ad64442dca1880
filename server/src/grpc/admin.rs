//! `resume.v1.AdminService`.

use std::sync::Arc;

use resume_proto::v1::{self, admin_service_server::AdminService};
use tonic::{Request, Response, Status};

use crate::{AppState, core::admin};

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
}
