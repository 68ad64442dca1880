//! `resume.v1.CandidateService`.

use std::sync::Arc;

use resume_proto::v1::{self, candidate_service_server::CandidateService};
use tonic::{Request, Response, Status};

use crate::{AppState, auth::Caller, core::candidates};

/// The candidate API over the shared state.
pub struct CandidateApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl CandidateService for CandidateApi {
    async fn create_candidate(
        &self,
        request: Request<v1::CreateCandidateRequest>,
    ) -> Result<Response<v1::CreateCandidateResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let candidate = request.into_inner().candidate.ok_or_else(|| super::missing("candidate"))?;
        let candidate = candidates::create(&self.state, &owner, candidate).await?;
        Ok(Response::new(v1::CreateCandidateResponse { candidate: Some(candidate) }))
    }

    async fn get_candidate(
        &self,
        request: Request<v1::GetCandidateRequest>,
    ) -> Result<Response<v1::GetCandidateResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let candidate = candidates::get(&self.state, &owner, request.get_ref().id).await?;
        Ok(Response::new(v1::GetCandidateResponse { candidate: Some(candidate) }))
    }

    async fn list_candidates(
        &self,
        request: Request<v1::ListCandidatesRequest>,
    ) -> Result<Response<v1::ListCandidatesResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let v1::ListCandidatesRequest { limit, page_token } = request.into_inner();
        let (candidates, next_page_token) = candidates::list(&self.state, &owner, limit, &page_token).await?;
        Ok(Response::new(v1::ListCandidatesResponse { candidates, next_page_token }))
    }

    async fn update_candidate(
        &self,
        request: Request<v1::UpdateCandidateRequest>,
    ) -> Result<Response<v1::UpdateCandidateResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let v1::UpdateCandidateRequest { id, candidate } = request.into_inner();
        let candidate = candidate.ok_or_else(|| super::missing("candidate"))?;
        let candidate = candidates::update(&self.state, &owner, id, candidate).await?;
        Ok(Response::new(v1::UpdateCandidateResponse { candidate: Some(candidate) }))
    }

    async fn delete_candidate(
        &self,
        request: Request<v1::DeleteCandidateRequest>,
    ) -> Result<Response<v1::DeleteCandidateResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        candidates::delete(&self.state, &owner, request.get_ref().id).await?;
        Ok(Response::new(v1::DeleteCandidateResponse {}))
    }

    async fn delete_candidate_job(
        &self,
        request: Request<v1::DeleteCandidateJobRequest>,
    ) -> Result<Response<v1::DeleteCandidateJobResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let v1::DeleteCandidateJobRequest { candidate_id, id } = request.into_inner();
        candidates::delete_job(&self.state, &owner, candidate_id, id).await?;
        Ok(Response::new(v1::DeleteCandidateJobResponse {}))
    }

    async fn create_candidate_job(
        &self,
        request: Request<v1::CreateCandidateJobRequest>,
    ) -> Result<Response<v1::CreateCandidateJobResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job = candidates::create_job(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::CreateCandidateJobResponse { job: Some(job) }))
    }

    async fn list_candidate_jobs(
        &self,
        request: Request<v1::ListCandidateJobsRequest>,
    ) -> Result<Response<v1::ListCandidateJobsResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let jobs = candidates::list_jobs(&self.state, &owner, request.get_ref().candidate_id).await?;
        Ok(Response::new(v1::ListCandidateJobsResponse { jobs }))
    }
}
