//! `resume.v1.ResumeService`.

use std::sync::Arc;

use futures::{StreamExt, stream};
use resume_proto::v1::{self, resume_service_server::ResumeService};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::ResponseStream;
use crate::{
    AppState,
    auth::Caller,
    core::{documents, fit, jobs, watch},
};

/// Size of the chunks a download is streamed in.
const CHUNK: usize = 64 * 1024;

/// The resume API over the shared state.
pub struct ResumeApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl ResumeService for ResumeApi {
    async fn generate_resume(
        &self,
        request: Request<v1::GenerateResumeRequest>,
    ) -> Result<Response<v1::GenerateResumeResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job = jobs::generate(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::GenerateResumeResponse { job: Some(job) }))
    }

    async fn get_job(&self, request: Request<v1::GetJobRequest>) -> Result<Response<v1::GetJobResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job = jobs::get(&self.state, &owner, &request.get_ref().job_id).await?;
        Ok(Response::new(v1::GetJobResponse { job: Some(job) }))
    }

    async fn list_my_jobs(
        &self,
        request: Request<v1::ListMyJobsRequest>,
    ) -> Result<Response<v1::ListMyJobsResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let (jobs, next_page_token) = jobs::list_mine(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::ListMyJobsResponse { jobs, next_page_token }))
    }

    type DownloadResumeStream = ResponseStream<v1::DownloadResumeResponse>;

    async fn download_resume(
        &self,
        request: Request<v1::DownloadResumeRequest>,
    ) -> Result<Response<Self::DownloadResumeStream>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let (filename, content_type, content) =
            documents::download(&self.state, &owner, &request.get_ref().job_id).await?;
        let mut first = Some((filename, content_type));
        // An empty file still gets its first message, with the name and type.
        let chunks: Vec<Vec<u8>> =
            if content.is_empty() { vec![Vec::new()] } else { content.chunks(CHUNK).map(<[u8]>::to_vec).collect() };
        let messages = chunks.into_iter().map(move |chunk| {
            let (filename, content_type) = first.take().unwrap_or_default();
            Ok(v1::DownloadResumeResponse { filename, content_type, chunk })
        });
        Ok(Response::new(Box::pin(stream::iter(messages))))
    }

    type WatchJobStream = ResponseStream<v1::WatchJobResponse>;

    async fn watch_job(&self, request: Request<v1::WatchJobRequest>) -> Result<Response<Self::WatchJobStream>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job_id = request.into_inner().job_id;
        // Fails fast, as a status rather than a broken stream, for a job the caller cannot see.
        let following = watch::job(&self.state, &owner, &job_id).await?;
        let (tx, rx) = mpsc::channel(8);
        let state = self.state.clone();
        tokio::spawn(async move { following.send_to(&state, tx).await });
        let updates = ReceiverStream::new(rx)
            .map(|update| update.map(|job| v1::WatchJobResponse { job: Some(job) }).map_err(Status::from));
        Ok(Response::new(Box::pin(updates)))
    }

    async fn cancel_job(
        &self,
        request: Request<v1::CancelJobRequest>,
    ) -> Result<Response<v1::CancelJobResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job = jobs::cancel(&self.state, &owner, &request.get_ref().job_id).await?;
        Ok(Response::new(v1::CancelJobResponse { job: Some(job) }))
    }

    async fn render_resume(
        &self,
        request: Request<v1::RenderResumeRequest>,
    ) -> Result<Response<v1::RenderResumeResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let job = jobs::render(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::RenderResumeResponse { job: Some(job) }))
    }

    async fn get_resume_content(
        &self,
        request: Request<v1::GetResumeContentRequest>,
    ) -> Result<Response<v1::GetResumeContentResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let (job_id, content) = documents::content(&self.state, &owner, &request.get_ref().job_id).await?;
        Ok(Response::new(v1::GetResumeContentResponse { job_id, document_content: Some(content.into()) }))
    }

    async fn get_match_report(
        &self,
        request: Request<v1::GetMatchReportRequest>,
    ) -> Result<Response<v1::GetMatchReportResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let report = fit::match_report(&self.state, &owner, &request.get_ref().job_id).await?;
        Ok(Response::new(v1::GetMatchReportResponse { report: Some(report) }))
    }
}
