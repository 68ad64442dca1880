//! `/api/candidates/imports`: a resume file (PDF, DOCX, text, JSON Resume, LinkedIn
//! export) or pasted text read into a candidate draft, as a job of its own kind.
//!
//! The upload is checked here before it travels: over `IMPORT_MAX_BYTES` is 413, a type
//! an import does not take is 415 naming the types it does; the server checks the same.

pub(crate) mod json;

use std::convert::Infallible;

use axum::{
    Json,
    extract::{
        FromRequest, Multipart, Path, Query, Request, State, multipart::MultipartError, rejection::QueryRejection,
    },
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    response::sse::{Event, Sse},
};
use resume_proto::{
    job::ImportFormat,
    v1::{self, candidate_service_client::CandidateServiceClient},
};

use super::{AppState, resume::progress_events};
use crate::{
    error::{ApiError, CallerErrors, ErrorBody, InputErrors, NotFound, required},
    extract::{grpc, parse, query_error},
    json::PageQuery,
};
use json::{Import, ImportEvent, ImportList, ImportPath, ImportText, ImportUpload};

fn client(state: &AppState) -> CandidateServiceClient<tonic::transport::Channel> {
    // An import's file travels to the server in one message.
    CandidateServiceClient::new(state.channel.clone()).max_encoding_message_size(state.import_max_bytes + 64 * 1024)
}

/// 413 for `what` (the file, the text) over `max` bytes.
fn too_large(what: &str, max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "INVALID_ARGUMENT",
        format!("{what} is larger than {} KiB, the most an import takes (IMPORT_MAX_BYTES)", max / 1024),
    )
}

/// An upload that could not be read: 413 when it ran past the edge's body limit (a file
/// far over `max` arrives in chunks that pass it before the file's own count does), else 400.
fn unreadable(error: &MultipartError, max: usize) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large("the file", max)
    } else {
        ApiError::invalid(format!("the upload could not be read: {error}"))
    }
}

fn unsupported(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "INVALID_ARGUMENT",
        format!("{what} is not a type we import: we take {}", ImportFormat::TAKEN),
    )
}

/// The import request a body makes: a multipart `file`, or JSON `{"text"}`.
async fn request_of(state: &AppState, request: Request) -> Result<v1::CreateImportRequest, ApiError> {
    let max = state.import_max_bytes;
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if content_type.starts_with("application/json") {
        let over = || too_large("the text", max);
        let bytes = axum::body::to_bytes(request.into_body(), max + 64 * 1024).await.map_err(|_| over())?;
        let ImportText { text } = parse(&bytes)?;
        if text.len() > max {
            return Err(over());
        }
        return Ok(v1::CreateImportRequest { text: Some(text), ..Default::default() });
    }
    if !content_type.starts_with("multipart/form-data") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_ARGUMENT",
            "send the resume as multipart/form-data (a field named \"file\") or as JSON {\"text\": \"…\"}",
        ));
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| ApiError::invalid(format!("the upload could not be read: {}", rejection.body_text())))?;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| unreadable(&e, max))? {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().unwrap_or_default().to_owned();
        let content_type = field.content_type().unwrap_or_default().to_owned();
        if ImportFormat::of_upload(&filename, &content_type).is_none() {
            let what = if filename.is_empty() { format!("a file of type {content_type:?}") } else { filename };
            return Err(unsupported(&what));
        }
        // Read a chunk at a time: an oversized upload is refused once it passes the limit,
        // not after it was all read.
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e, max))? {
            if data.len() + chunk.len() > max {
                return Err(too_large("the file", max));
            }
            data.extend_from_slice(&chunk);
        }
        return Ok(v1::CreateImportRequest { filename, content_type, data, text: None });
    }
    Err(ApiError::invalid("the upload has no field named \"file\""))
}

/// Imports a resume: a file (multipart field `file`) or pasted text (JSON `{"text"}`). The
/// answer does not wait: follow the import until it is `SUCCESS` with its `draft`.
#[utoipa::path(post, path = "/api/candidates/imports", tag = "imports", operation_id = "createImport",
    request_body(content(
        (ImportUpload = "multipart/form-data"),
        (ImportText = "application/json"),
    )),
    responses((status = 202, description = "Accepted: the import, PENDING", body = Import),
        (status = 413, description = "The file is over IMPORT_MAX_BYTES", body = ErrorBody),
        (status = 415, description = "Not a type an import takes (the message names those it does)", body = ErrorBody),
        InputErrors, CallerErrors))]
pub async fn create(State(state): State<AppState>, request: Request) -> Result<(StatusCode, Json<Import>), ApiError> {
    let headers = request.headers().clone();
    let message = request_of(&state, request).await?;
    let response = client(&state).create_import(grpc(&headers, message)).await?.into_inner();
    Ok((StatusCode::ACCEPTED, Json(required(response.import, "import")?.into())))
}

/// The caller's imports, newest first, a page at a time.
#[utoipa::path(get, path = "/api/candidates/imports", tag = "imports", operation_id = "listImports", params(PageQuery),
    responses((status = 200, description = "A page of imports, newest first", body = ImportList), InputErrors, CallerErrors))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<ImportList>, ApiError> {
    let Query(query) = query.map_err(query_error)?;
    let request = v1::ListImportsRequest { limit: query.limit, page_token: query.page_token.unwrap_or_default() };
    let response = client(&state).list_imports(grpc(&headers, request)).await?.into_inner();
    Ok(Json(ImportList {
        imports: response.imports.into_iter().map(Into::into).collect(),
        next_page_token: response.next_page_token,
    }))
}

/// One of the caller's imports; on `SUCCESS` with its `draft` and `warnings`.
#[utoipa::path(get, path = "/api/candidates/imports/{import_id}", tag = "imports", operation_id = "getImport",
    params(ImportPath),
    responses((status = 200, description = "The import", body = Import), InputErrors, NotFound, CallerErrors))]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(import_id): Path<String>,
) -> Result<Json<Import>, ApiError> {
    let response = client(&state).get_import(grpc(&headers, v1::GetImportRequest { import_id })).await?.into_inner();
    Ok(Json(required(response.import, "import")?.into()))
}

/// Deletes an import with its uploaded file and draft (a running one is cancelled); a
/// candidate made from it stays.
#[utoipa::path(delete, path = "/api/candidates/imports/{import_id}", tag = "imports", operation_id = "deleteImport",
    params(ImportPath),
    responses((status = 204, description = "Deleted"), InputErrors, NotFound, CallerErrors))]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(import_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    client(&state).delete_import(grpc(&headers, v1::DeleteImportRequest { import_id })).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An import's changes as Server-Sent Events: one `progress` event (data: the Import) per
/// change, closed after a terminal status; an `error` event if the server fails.
#[utoipa::path(get, path = "/api/candidates/imports/{import_id}/events", tag = "imports", operation_id = "watchImport",
    params(ImportPath),
    responses((status = 200, description = "`progress` events, each carrying an Import", content_type = "text/event-stream",
        body = ImportEvent), InputErrors, NotFound, CallerErrors))]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(import_id): Path<String>,
) -> Result<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let stopped = state.clone().stopped();
    let updates = client(&state).watch_import(grpc(&headers, v1::WatchImportRequest { import_id })).await?.into_inner();
    Ok(progress_events(updates, stopped, |update: v1::WatchImportResponse| update.import.map(Import::from), "import"))
}
