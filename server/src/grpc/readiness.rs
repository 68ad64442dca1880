//! `resume.v1.ReadinessService`: the one service that needs no token.

use std::sync::Arc;

use resume_proto::v1::{self, readiness_service_server::ReadinessService};
use tonic::{Request, Response, Status};

use crate::{AppState, core::admin};

/// Readiness over the shared state.
pub struct ReadinessApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl ReadinessService for ReadinessApi {
    async fn get_readiness(
        &self,
        _request: Request<v1::GetReadinessRequest>,
    ) -> Result<Response<v1::GetReadinessResponse>, Status> {
        Ok(Response::new(admin::readiness(&self.state).await))
    }
}
