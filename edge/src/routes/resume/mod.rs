//! `/api/resume-async`: submit, follow, download and cancel resume jobs.

pub(crate) mod json;

use std::convert::Infallible;

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures::{StreamExt, stream};
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};

use super::AppState;
use crate::{
    error::{ApiError, BodyErrors, CallerErrors, Conflict, InputErrors, NotFound, required},
    extract::{JsonBody, grpc, query_error},
    json::rules::Document,
};
use json::{Generate, Job, JobContent, JobList, JobPath, MatchReport, MyJobsQuery, Render};

fn client(state: AppState) -> ResumeServiceClient<tonic::transport::Channel> {
    ResumeServiceClient::new(state.channel)
}

/// The job a server's answer carries, as JSON.
pub fn job(job: Option<v1::Job>) -> Result<Json<Job>, ApiError> {
    Ok(Json(required(job, "job")?.into()))
}

/// 202 with a job just accepted, logged with its id in the request's span (which names the
/// trace).
fn accepted(accepted: Option<v1::Job>) -> Result<(StatusCode, Json<Job>), ApiError> {
    let accepted = required(accepted, "job")?;
    tracing::Span::current().record("job_id", accepted.job_id.as_str());
    tracing::info!(job_id = %accepted.job_id, status = %accepted.status, "job accepted");
    Ok((StatusCode::ACCEPTED, Json(accepted.into())))
}

/// Submits a resume job and answers at once: `PENDING`, or already `SUCCESS` with
/// `cache_hit` when an identical request was answered within the cache's lifetime.
#[utoipa::path(post, path = "/api/resume-async/generate-async", tag = "resumes", operation_id = "generateResume",
    request_body = Generate,
    responses((status = 202, description = "Accepted: PENDING, or SUCCESS with cache_hit", body = Job), InputErrors, BodyErrors, NotFound, CallerErrors))]
pub async fn generate(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Generate>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let response = client(state).generate_resume(grpc(&headers, v1::GenerateResumeRequest::from(body))).await?;
    accepted(response.into_inner().job)
}

/// A job of the caller's, as it is now.
#[utoipa::path(get, path = "/api/resume-async/job-status/{job_id}", tag = "resumes", operation_id = "getJob",
    params(JobPath),
    responses((status = 200, description = "The job", body = Job), InputErrors, NotFound, CallerErrors))]
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<Job>, ApiError> {
    let response = client(state).get_job(grpc(&headers, v1::GetJobRequest { job_id })).await?;
    job(response.into_inner().job)
}

/// Renders an edited content of a SUCCESS job of the caller's in a new job, without a model
/// call: 202 with the new job, whose `edited_from` is that job.
#[utoipa::path(post, path = "/api/resume-async/render", tag = "resumes", operation_id = "renderResume",
    request_body = Render,
    responses((status = 202, description = "Accepted: the render job, PENDING", body = Job), InputErrors, BodyErrors,
        NotFound, Conflict, CallerErrors))]
pub async fn render(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Render>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let response = client(state).render_resume(grpc(&headers, v1::RenderResumeRequest::from(body))).await?;
    accepted(response.into_inner().job)
}

/// What a finished job's document was rendered from; 409 while the job has not succeeded.
#[utoipa::path(get, path = "/api/resume-async/content/{job_id}", tag = "resumes", operation_id = "getResumeContent",
    params(JobPath),
    responses((status = 200, description = "The job's content", body = JobContent), InputErrors, NotFound, Conflict,
        CallerErrors))]
pub async fn content(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<JobContent>, ApiError> {
    let response = client(state).get_resume_content(grpc(&headers, v1::GetResumeContentRequest { job_id })).await?;
    Ok(Json(response.into_inner().try_into()?))
}

/// How well a finished resume covers its posting's key terms (skills and tools the project
/// knows, and terms the posting repeats), each `shown`, `held_not_shown` or `missing`, with
/// the counts and scores they give; counted without a model. The same route on an edited
/// job's id reports the edit. 409 while the job has not succeeded, and for a general resume
/// or one whose target job was deleted (no posting to match against).
#[utoipa::path(get, path = "/api/resume-async/match/{job_id}", tag = "resumes", operation_id = "getMatchReport",
    params(JobPath),
    responses((status = 200, description = "The match report", body = MatchReport), InputErrors, NotFound, Conflict,
        CallerErrors))]
pub async fn match_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<MatchReport>, ApiError> {
    let response = client(state).get_match_report(grpc(&headers, v1::GetMatchReportRequest { job_id })).await?;
    Ok(Json(response.into_inner().try_into()?))
}

/// Cancels a job: `CANCELLED` unless it had already ended.
#[utoipa::path(post, path = "/api/resume-async/cancel/{job_id}", tag = "resumes", operation_id = "cancelJob",
    params(JobPath),
    responses((status = 200, description = "The job, CANCELLED unless it had ended", body = Job), InputErrors, NotFound,
        CallerErrors))]
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<Job>, ApiError> {
    let response = client(state).cancel_job(grpc(&headers, v1::CancelJobRequest { job_id })).await?;
    job(response.into_inner().job)
}

/// The caller's jobs, newest first, a page at a time.
#[utoipa::path(get, path = "/api/resume-async/my-jobs", tag = "resumes", operation_id = "listMyJobs",
    params(MyJobsQuery),
    responses((status = 200, description = "A page of jobs, newest first", body = JobList), InputErrors, CallerErrors))]
pub async fn my_jobs(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<MyJobsQuery>, QueryRejection>,
) -> Result<Json<JobList>, ApiError> {
    let Query(MyJobsQuery { limit, page_token, status, candidate_id }) = query.map_err(query_error)?;
    let request = v1::ListMyJobsRequest { limit, page_token: page_token.unwrap_or_default(), status, candidate_id };
    let response = client(state).list_my_jobs(grpc(&headers, request)).await?.into_inner();
    Ok(Json(JobList {
        jobs: response.jobs.into_iter().map(Into::into).collect(),
        next_page_token: response.next_page_token,
    }))
}

/// The finished file, streamed as the server sends it; 409 while the job is not `SUCCESS`.
#[utoipa::path(get, path = "/api/resume-async/download/{job_id}", tag = "resumes", operation_id = "downloadResume",
    params(JobPath),
    responses(
        (status = 200, description = "The resume",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"…\"")),
            content(
                (Document = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (Document = "application/pdf"),
                (Document = "text/plain; charset=utf-8"),
                (Document = "text/markdown; charset=utf-8"),
            )),
        InputErrors, NotFound, Conflict, CallerErrors))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Response, ApiError> {
    let chunks =
        client(state).download_resume(grpc(&headers, v1::DownloadResumeRequest { job_id })).await?.into_inner();
    streamed_file(chunks, |m: v1::DownloadResumeResponse| (m.filename, m.content_type, m.chunk)).await
}

/// A file a server streams in chunks (the first naming it and its type, as `parts` reads
/// each message: filename, content type, bytes) as a download, sent on as it arrives.
pub async fn streamed_file<M: Send + 'static>(
    mut chunks: tonic::Streaming<M>,
    parts: fn(M) -> (String, String, Vec<u8>),
) -> Result<Response, ApiError> {
    let first = chunks.message().await?.ok_or_else(|| ApiError::from(tonic::Status::internal("empty download")))?;
    let (filename, content_type, chunk) = parts(first);
    let content_type = HeaderValue::from_str(&content_type)
        .map_err(|_| ApiError::from(tonic::Status::internal("bad content type")))?;
    let disposition = HeaderValue::from_str(&content_disposition(&filename))
        .map_err(|_| ApiError::from(tonic::Status::internal("bad file name")))?;
    let rest = chunks.map(move |message| message.map(|m| Bytes::from(parts(m).2)));
    let body = Body::from_stream(stream::once(async move { Ok(Bytes::from(chunk)) }).chain(rest));
    Ok(([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], body).into_response())
}

/// `attachment; filename="…"` with an ASCII fallback (transliterated: `Zoë` → `Zoe`) and,
/// when needed, the UTF-8 name in `filename*` (RFC 6266).
fn content_disposition(filename: &str) -> String {
    let mut ascii = String::with_capacity(filename.len());
    for c in deunicode::deunicode_with_tofu(filename, "_").chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' };
        // Transliteration can leave runs of separators ("王小明" → "Wang Xiao Ming").
        if !(c == '_' && ascii.ends_with('_')) {
            ascii.push(c);
        }
    }
    if ascii == filename {
        return format!("attachment; filename=\"{ascii}\"");
    }
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A job's changes as Server-Sent Events: one `progress` event (data: the Job) per
/// change, closed after a terminal status (or when the edge stops); an `error` event
/// (data: the error body) if the server fails.
#[utoipa::path(get, path = "/api/resume-async/job-events/{job_id}", tag = "resumes", operation_id = "watchJob",
    params(JobPath),
    responses((status = 200, description = "`progress` events, each carrying a Job", content_type = "text/event-stream",
        body = Job), InputErrors, NotFound, CallerErrors))]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let stopped = state.clone().stopped();
    let updates = client(state).watch_job(grpc(&headers, v1::WatchJobRequest { job_id })).await?.into_inner();
    Ok(progress_events(updates, stopped, |update: v1::WatchJobResponse| update.job.map(Job::from), "job"))
}

/// A server stream of updates as Server-Sent Events: a `progress` event (data: what `shown`
/// makes of an update, as JSON) per update, an `error` event (data: the error body) for a
/// failure or an update `shown` finds empty (it lacks its `what`). A stopping edge ends the
/// stream, so that its connection can close; the client reconnects to another edge (or polls).
pub fn progress_events<M: Send + 'static, T: serde::Serialize>(
    updates: tonic::Streaming<M>,
    stopped: impl std::future::Future<Output = ()> + Send + 'static,
    shown: impl Fn(M) -> Option<T> + Send + 'static,
    what: &'static str,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    let events = updates.take_until(stopped).map(move |update| {
        let event = match update.map(&shown) {
            Ok(Some(shown)) => Event::default().event("progress").json_data(shown),
            Ok(None) => error_event(required(None::<()>, what).unwrap_err()),
            Err(status) => error_event(ApiError::from(status)),
        };
        Ok(event.unwrap_or_else(|_| Event::default().event("error")))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// An `error` event with the contract's error body.
pub fn error_event(error: ApiError) -> Result<Event, axum::Error> {
    Event::default()
        .event("error")
        .json_data(serde_json::json!({"error": {"code": error.code, "message": error.message}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_are_quoted_plainly() {
        assert_eq!(
            content_disposition("Ada_Lovelace_Resume.docx"),
            "attachment; filename=\"Ada_Lovelace_Resume.docx\""
        );
    }

    #[test]
    fn other_names_get_a_utf8_form() {
        let header = content_disposition("Иван_Resume.pdf");
        assert!(header.starts_with("attachment; filename=\"Ivan_Resume.pdf\"; filename*=UTF-8''%D0%98"), "{header}");
        assert!(HeaderValue::from_str(&header).is_ok());
        let header = content_disposition("Zoë_Ångström-Müller_Resume.pdf");
        assert!(header.starts_with("attachment; filename=\"Zoe_Angstrom-Muller_Resume.pdf\"; filename*="), "{header}");
        let header = content_disposition("王小明_Resume.docx");
        assert!(header.starts_with("attachment; filename=\"Wang_Xiao_Ming_Resume.docx\""), "{header}");
        assert!(!content_disposition("a\"b\\c.pdf").contains("a\"b"));
    }
}
