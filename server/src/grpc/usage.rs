//! `resume.v1.UsageService`.

use std::sync::Arc;

use resume_proto::v1::{self, usage_service_server::UsageService};
use tonic::{Request, Response, Status};

use crate::{AppState, auth::Caller, core::usage};

/// The usage API over the shared state.
pub struct UsageApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl UsageService for UsageApi {
    async fn get_my_usage(
        &self,
        request: Request<v1::GetMyUsageRequest>,
    ) -> Result<Response<v1::GetMyUsageResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        Ok(Response::new(usage::mine(&self.state, &owner, request.into_inner()).await?))
    }
}
