//! `/api/candidates`: candidates and their target jobs.

pub(crate) mod json;

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode},
};
use resume_proto::v1::{self, candidate_service_client::CandidateServiceClient};

use super::AppState;
use crate::{
    error::{ApiError, BodyErrors, CallerErrors, Conflict, InputErrors, NotFound, required},
    extract::{JsonBody, grpc, id, query_error},
    json::PageQuery,
};
use json::{
    Candidate, CandidateJob, CandidateJobList, CandidateJobPath, CandidateList, CandidatePath, NewCandidateJob,
    NewTarget, OpeningTarget,
};

fn client(state: AppState) -> CandidateServiceClient<tonic::transport::Channel> {
    CandidateServiceClient::new(state.channel)
}

/// Creates a candidate (with `import_id`: from a reviewed import's draft).
#[utoipa::path(post, path = "/api/candidates", tag = "candidates", operation_id = "createCandidate",
    request_body = Candidate,
    responses((status = 201, description = "Created, with its id", body = Candidate), InputErrors, BodyErrors,
        Conflict, CallerErrors))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(candidate): JsonBody<Candidate>,
) -> Result<(StatusCode, Json<Candidate>), ApiError> {
    let import_id = candidate.import_id.clone().unwrap_or_default();
    let request = v1::CreateCandidateRequest { candidate: Some(candidate.into()), import_id };
    let response = client(state).create_candidate(grpc(&headers, request)).await?.into_inner();
    Ok((StatusCode::CREATED, Json(required(response.candidate, "candidate")?.into())))
}

/// The caller's candidates, newest first, a page at a time.
#[utoipa::path(get, path = "/api/candidates", tag = "candidates", operation_id = "listCandidates", params(PageQuery),
    responses((status = 200, description = "A page of candidates, newest first", body = CandidateList), InputErrors, CallerErrors))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<CandidateList>, ApiError> {
    let Query(query) = query.map_err(query_error)?;
    let request = v1::ListCandidatesRequest { limit: query.limit, page_token: query.page_token.unwrap_or_default() };
    let response = client(state).list_candidates(grpc(&headers, request)).await?.into_inner();
    Ok(Json(CandidateList {
        candidates: response.candidates.into_iter().map(Into::into).collect(),
        next_page_token: response.next_page_token,
    }))
}

/// One of the caller's candidates.
#[utoipa::path(get, path = "/api/candidates/{id}", tag = "candidates", operation_id = "getCandidate",
    params(CandidatePath),
    responses((status = 200, description = "The candidate", body = Candidate), InputErrors, NotFound, CallerErrors))]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(candidate_id): Path<String>,
) -> Result<Json<Candidate>, ApiError> {
    let request = v1::GetCandidateRequest { id: id("id", &candidate_id)? };
    let response = client(state).get_candidate(grpc(&headers, request)).await?.into_inner();
    Ok(Json(required(response.candidate, "candidate")?.into()))
}

/// Replaces every field of a candidate (the same rules as creating one).
#[utoipa::path(put, path = "/api/candidates/{id}", tag = "candidates", operation_id = "updateCandidate",
    params(CandidatePath), request_body = Candidate,
    responses((status = 200, description = "The candidate as stored", body = Candidate), InputErrors, BodyErrors,
        NotFound, CallerErrors))]
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(candidate_id): Path<String>,
    JsonBody(candidate): JsonBody<Candidate>,
) -> Result<Json<Candidate>, ApiError> {
    let request = v1::UpdateCandidateRequest { id: id("id", &candidate_id)?, candidate: Some(candidate.into()) };
    let response = client(state).update_candidate(grpc(&headers, request)).await?.into_inner();
    Ok(Json(required(response.candidate, "candidate")?.into()))
}

/// Deletes a candidate with their target jobs, resume jobs, files and cached results (a
/// running job of theirs is cancelled first).
#[utoipa::path(delete, path = "/api/candidates/{id}", tag = "candidates", operation_id = "deleteCandidate",
    params(CandidatePath),
    responses((status = 204, description = "Deleted"), InputErrors, NotFound, CallerErrors))]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(candidate_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let request = v1::DeleteCandidateRequest { id: id("id", &candidate_id)? };
    client(state).delete_candidate(grpc(&headers, request)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes one of a candidate's target jobs (resumes made for it stay).
#[utoipa::path(delete, path = "/api/candidates/{id}/jobs/{job_row_id}", tag = "candidates",
    operation_id = "deleteCandidateJob", params(CandidateJobPath),
    responses((status = 204, description = "Deleted"), InputErrors, NotFound, CallerErrors))]
pub async fn delete_job(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((candidate_id, job_row_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let request =
        v1::DeleteCandidateJobRequest { candidate_id: id("id", &candidate_id)?, id: id("job_row_id", &job_row_id)? };
    client(state).delete_candidate_job(grpc(&headers, request)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces a target job's title, company and description (the same rules as adding one).
/// Resumes made for it keep it; the next one is tailored to the new text.
#[utoipa::path(put, path = "/api/candidates/{id}/jobs/{job_row_id}", tag = "candidates",
    operation_id = "updateCandidateJob", params(CandidateJobPath), request_body = NewCandidateJob,
    responses((status = 200, description = "The target job as stored", body = CandidateJob), InputErrors, BodyErrors,
        NotFound, CallerErrors))]
pub async fn update_job(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((candidate_id, job_row_id)): Path<(String, String)>,
    JsonBody(job): JsonBody<NewCandidateJob>,
) -> Result<Json<CandidateJob>, ApiError> {
    let NewCandidateJob { title, company, description } = job;
    let request = v1::UpdateCandidateJobRequest {
        candidate_id: id("id", &candidate_id)?,
        id: id("job_row_id", &job_row_id)?,
        title,
        company,
        description,
    };
    let response = client(state).update_candidate_job(grpc(&headers, request)).await?.into_inner();
    Ok(Json(required(response.job, "job")?.into()))
}

/// Adds a target job (the job a resume is tailored to) to a candidate: its own title,
/// company and description, or `{"opening_id"}` to point it at one of the caller's openings.
#[utoipa::path(post, path = "/api/candidates/{id}/jobs", tag = "candidates", operation_id = "createCandidateJob",
    params(CandidatePath), request_body = NewTarget,
    responses((status = 201, description = "Created, with its id", body = CandidateJob), InputErrors, BodyErrors, NotFound, CallerErrors))]
pub async fn create_job(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(candidate_id): Path<String>,
    JsonBody(job): JsonBody<NewTarget>,
) -> Result<(StatusCode, Json<CandidateJob>), ApiError> {
    let candidate_id = id("id", &candidate_id)?;
    let request = match job {
        NewTarget::Text(NewCandidateJob { title, company, description }) => {
            v1::CreateCandidateJobRequest { candidate_id, title, company, description, opening_id: None }
        }
        NewTarget::Opening(OpeningTarget { opening_id }) => v1::CreateCandidateJobRequest {
            candidate_id,
            opening_id: Some(opening_id),
            ..v1::CreateCandidateJobRequest::default()
        },
    };
    let response = client(state).create_candidate_job(grpc(&headers, request)).await?.into_inner();
    Ok((StatusCode::CREATED, Json(required(response.job, "job")?.into())))
}

/// A candidate's target jobs.
#[utoipa::path(get, path = "/api/candidates/{id}/jobs", tag = "candidates", operation_id = "listCandidateJobs",
    params(CandidatePath),
    responses((status = 200, description = "The target jobs", body = CandidateJobList), InputErrors, NotFound, CallerErrors))]
pub async fn list_jobs(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(candidate_id): Path<String>,
) -> Result<Json<CandidateJobList>, ApiError> {
    let request = v1::ListCandidateJobsRequest { candidate_id: id("id", &candidate_id)? };
    let response = client(state).list_candidate_jobs(grpc(&headers, request)).await?.into_inner();
    Ok(Json(CandidateJobList { jobs: response.jobs.into_iter().map(Into::into).collect() }))
}
