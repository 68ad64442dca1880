//! `resume.v1.OpeningService`.

use std::sync::Arc;

use resume_proto::v1::{self, opening_service_server::OpeningService};
use tonic::{Request, Response, Status};

use crate::{AppState, auth::Caller, core::openings};

/// The openings API over the shared state.
pub struct OpeningApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl OpeningService for OpeningApi {
    async fn create_opening(
        &self,
        request: Request<v1::CreateOpeningRequest>,
    ) -> Result<Response<v1::CreateOpeningResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let opening = openings::create(&self.state, &owner, request.into_inner().opening).await?;
        Ok(Response::new(v1::CreateOpeningResponse { opening: Some(opening) }))
    }

    async fn get_opening(
        &self,
        request: Request<v1::GetOpeningRequest>,
    ) -> Result<Response<v1::GetOpeningResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let opening = openings::get(&self.state, &owner, request.get_ref().id).await?;
        Ok(Response::new(v1::GetOpeningResponse { opening: Some(opening) }))
    }

    async fn list_openings(
        &self,
        request: Request<v1::ListOpeningsRequest>,
    ) -> Result<Response<v1::ListOpeningsResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let v1::ListOpeningsRequest { limit, page_token } = request.into_inner();
        let (openings, next_page_token) = openings::list(&self.state, &owner, limit, &page_token).await?;
        Ok(Response::new(v1::ListOpeningsResponse { openings, next_page_token }))
    }

    async fn update_opening(
        &self,
        request: Request<v1::UpdateOpeningRequest>,
    ) -> Result<Response<v1::UpdateOpeningResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let v1::UpdateOpeningRequest { id, opening } = request.into_inner();
        let opening = openings::update(&self.state, &owner, id, opening).await?;
        Ok(Response::new(v1::UpdateOpeningResponse { opening: Some(opening) }))
    }

    async fn delete_opening(
        &self,
        request: Request<v1::DeleteOpeningRequest>,
    ) -> Result<Response<v1::DeleteOpeningResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        openings::delete(&self.state, &owner, request.get_ref().id).await?;
        Ok(Response::new(v1::DeleteOpeningResponse {}))
    }
}
