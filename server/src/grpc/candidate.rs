//! `resume.v1.CandidateService`.

use std::sync::Arc;

use futures::StreamExt;
use resume_proto::v1::{self, candidate_service_server::CandidateService};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::{
    AppState,
    auth::Caller,
    core::{candidates, imports, watch},
};

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
        let v1::CreateCandidateRequest { candidate, import_id } = request.into_inner();
        let candidate = candidate.ok_or_else(|| super::missing("candidate"))?;
        let candidate = candidates::create(&self.state, &owner, candidate, &import_id).await?;
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

    async fn update_candidate_job(
        &self,
        request: Request<v1::UpdateCandidateJobRequest>,
    ) -> Result<Response<v1::UpdateCandidateJobResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job = candidates::update_job(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::UpdateCandidateJobResponse { job: Some(job) }))
    }

    async fn list_candidate_jobs(
        &self,
        request: Request<v1::ListCandidateJobsRequest>,
    ) -> Result<Response<v1::ListCandidateJobsResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let jobs = candidates::list_jobs(&self.state, &owner, request.get_ref().candidate_id).await?;
        Ok(Response::new(v1::ListCandidateJobsResponse { jobs }))
    }

    async fn create_import(
        &self,
        request: Request<v1::CreateImportRequest>,
    ) -> Result<Response<v1::CreateImportResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let import = imports::create(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::CreateImportResponse { import: Some(import) }))
    }

    async fn get_import(
        &self,
        request: Request<v1::GetImportRequest>,
    ) -> Result<Response<v1::GetImportResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let import = imports::get(&self.state, &owner, &request.get_ref().import_id).await?;
        Ok(Response::new(v1::GetImportResponse { import: Some(import) }))
    }

    async fn list_imports(
        &self,
        request: Request<v1::ListImportsRequest>,
    ) -> Result<Response<v1::ListImportsResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let v1::ListImportsRequest { limit, page_token } = request.into_inner();
        let (imports, next_page_token) = imports::list(&self.state, &owner, limit, &page_token).await?;
        Ok(Response::new(v1::ListImportsResponse { imports, next_page_token }))
    }

    type WatchImportStream = super::ResponseStream<v1::WatchImportResponse>;

    async fn watch_import(
        &self,
        request: Request<v1::WatchImportRequest>,
    ) -> Result<Response<Self::WatchImportStream>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let id = request.into_inner().import_id;
        // Fails fast, as a status rather than a broken stream, for an import the caller cannot see.
        let following = watch::import(&self.state, &owner, &id).await?;
        let (tx, rx) = mpsc::channel(8);
        let state = self.state.clone();
        tokio::spawn(async move { following.send_to(&state, tx).await });
        let updates = ReceiverStream::new(rx)
            .map(|update| update.map(|import| v1::WatchImportResponse { import: Some(import) }).map_err(Status::from));
        Ok(Response::new(Box::pin(updates)))
    }

    async fn delete_import(
        &self,
        request: Request<v1::DeleteImportRequest>,
    ) -> Result<Response<v1::DeleteImportResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        imports::delete(&self.state, &owner, &request.get_ref().import_id).await?;
        Ok(Response::new(v1::DeleteImportResponse {}))
    }
}
