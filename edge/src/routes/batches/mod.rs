//! `/api/batches` and `/api/openings/{id}/batches`: many resume jobs submitted, followed,
//! cancelled, retried and downloaded as one.

pub(crate) mod json;

use std::convert::Infallible;

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode},
    response::{
        Response,
        sse::{Event, Sse},
    },
};
use resume_proto::v1::{self, batch_service_client::BatchServiceClient};

use super::{
    AppState,
    openings::json::OpeningPath,
    resume::{progress_events, streamed_file},
};
use crate::{
    error::{ApiError, BodyErrors, CallerErrors, InputErrors, NotFound, required},
    extract::{JsonBody, grpc, id, query_error},
    json::rules::Document,
};
use json::{Batch, BatchList, BatchPath, BatchesQuery, NewBatch, NewOpeningBatch};

use super::usage::json::BatchEstimate;

fn client(state: AppState) -> BatchServiceClient<tonic::transport::Channel> {
    BatchServiceClient::new(state.channel)
}

fn batch(batch: Option<v1::Batch>) -> Result<Json<Batch>, ApiError> {
    Ok(Json(required(batch, "batch")?.into()))
}

async fn submit(
    state: AppState,
    headers: &HeaderMap,
    request: v1::CreateBatchRequest,
) -> Result<(StatusCode, Json<Batch>), ApiError> {
    let response = client(state).create_batch(grpc(headers, request)).await?.into_inner();
    let accepted = required(response.batch, "batch")?;
    tracing::info!(batch_id = %accepted.batch_id, total = accepted.total, "batch accepted");
    Ok((StatusCode::ACCEPTED, Json(accepted.into())))
}

/// Submits one resume per candidate, each tailored to the opening, as one batch: all items
/// or none. 400 names every candidate id the caller does not have, before anything is
/// queued.
#[utoipa::path(post, path = "/api/openings/{id}/batches", tag = "batches", operation_id = "createOpeningBatch",
    params(OpeningPath), request_body = NewOpeningBatch,
    responses((status = 202, description = "Accepted: the batch, its items PENDING (or SUCCESS from the cache)",
        body = Batch), InputErrors, BodyErrors, NotFound, CallerErrors))]
pub async fn create_for_opening(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(opening_id): Path<String>,
    JsonBody(body): JsonBody<NewOpeningBatch>,
) -> Result<(StatusCode, Json<Batch>), ApiError> {
    let request = body.into_request(id("id", &opening_id)?);
    submit(state, &headers, request).await
}

/// Submits explicit (candidate, target job) pairs as one batch: all items or none. 400
/// names every candidate id (or target job) the caller does not have, before anything is
/// queued.
#[utoipa::path(post, path = "/api/batches", tag = "batches", operation_id = "createBatch",
    request_body = NewBatch,
    responses((status = 202, description = "Accepted: the batch, its items PENDING (or SUCCESS from the cache)",
        body = Batch), InputErrors, BodyErrors, CallerErrors))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewBatch>,
) -> Result<(StatusCode, Json<Batch>), ApiError> {
    submit(state, &headers, body.into()).await
}

async fn estimate(
    state: AppState,
    headers: &HeaderMap,
    batch: v1::CreateBatchRequest,
) -> Result<Json<BatchEstimate>, ApiError> {
    let request = v1::EstimateBatchRequest { batch: Some(batch) };
    let response = client(state).estimate_batch(grpc(headers, request)).await?;
    Ok(Json(response.into_inner().into()))
}

/// What a batch for the opening would cost (every item at the caller's recent average per
/// resume) and whether the caller's monthly budget takes it; the body is checked as a
/// submission's is, and nothing is stored or queued.
#[utoipa::path(post, path = "/api/openings/{id}/batches/estimate", tag = "batches",
    operation_id = "estimateOpeningBatch", params(OpeningPath), request_body = NewOpeningBatch,
    responses((status = 200, description = "The estimate", body = BatchEstimate), InputErrors, BodyErrors, NotFound,
        CallerErrors))]
pub async fn estimate_for_opening(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(opening_id): Path<String>,
    JsonBody(body): JsonBody<NewOpeningBatch>,
) -> Result<Json<BatchEstimate>, ApiError> {
    let request = body.into_request(id("id", &opening_id)?);
    estimate(state, &headers, request).await
}

/// What a batch of explicit pairs would cost and whether the caller's monthly budget takes
/// it; the body is checked as a submission's is, and nothing is stored or queued.
#[utoipa::path(post, path = "/api/batches/estimate", tag = "batches", operation_id = "estimateBatch",
    request_body = NewBatch,
    responses((status = 200, description = "The estimate", body = BatchEstimate), InputErrors, BodyErrors,
        CallerErrors))]
pub async fn estimate_pairs(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewBatch>,
) -> Result<Json<BatchEstimate>, ApiError> {
    estimate(state, &headers, body.into()).await
}

/// The caller's batches (of one opening, if given), newest first, with their counts.
#[utoipa::path(get, path = "/api/batches", tag = "batches", operation_id = "listBatches", params(BatchesQuery),
    responses((status = 200, description = "A page of batches, newest first", body = BatchList), InputErrors,
        CallerErrors))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<BatchesQuery>, QueryRejection>,
) -> Result<Json<BatchList>, ApiError> {
    let Query(BatchesQuery { limit, page_token, opening_id }) = query.map_err(query_error)?;
    let request = v1::ListBatchesRequest { limit, page_token: page_token.unwrap_or_default(), opening_id };
    let response = client(state).list_batches(grpc(&headers, request)).await?.into_inner();
    Ok(Json(BatchList {
        batches: response.batches.into_iter().map(Into::into).collect(),
        next_page_token: response.next_page_token,
    }))
}

/// One of the caller's batches: its counts and each item's job.
#[utoipa::path(get, path = "/api/batches/{batch_id}", tag = "batches", operation_id = "getBatch", params(BatchPath),
    responses((status = 200, description = "The batch", body = Batch), InputErrors, NotFound, CallerErrors))]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
) -> Result<Json<Batch>, ApiError> {
    let response = client(state).get_batch(grpc(&headers, v1::GetBatchRequest { batch_id })).await?;
    batch(response.into_inner().batch)
}

/// Cancels every item that has not ended.
#[utoipa::path(post, path = "/api/batches/{batch_id}/cancel", tag = "batches", operation_id = "cancelBatch",
    params(BatchPath),
    responses((status = 200, description = "The batch, no item PENDING or PROCESSING", body = Batch), InputErrors,
        NotFound, CallerErrors))]
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
) -> Result<Json<Batch>, ApiError> {
    let response = client(state).cancel_batch(grpc(&headers, v1::CancelBatchRequest { batch_id })).await?;
    batch(response.into_inner().batch)
}

/// Runs every `FAILURE` item again (a new run of the same job); the others are left alone.
/// Held to the caller's monthly budget like a submission (429 when the failed items'
/// estimate exceeds what is left).
#[utoipa::path(post, path = "/api/batches/{batch_id}/retry-failed", tag = "batches",
    operation_id = "retryFailedBatchItems", params(BatchPath),
    responses((status = 200, description = "The batch, its failed items PENDING again", body = Batch), InputErrors,
        NotFound, CallerErrors))]
pub async fn retry_failed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
) -> Result<Json<Batch>, ApiError> {
    let request = v1::RetryFailedBatchItemsRequest { batch_id };
    let response = client(state).retry_failed_batch_items(grpc(&headers, request)).await?;
    batch(response.into_inner().batch)
}

/// A ZIP of the batch, streamed as it is made: one file per `SUCCESS` item
/// (`<Candidate_Name>_Resume.<ext>`, numbered when names repeat) and `manifest.csv`
/// (`candidate,status,file,error`, one row per item). Items still running are in the
/// manifest without a file.
#[utoipa::path(get, path = "/api/batches/{batch_id}/download", tag = "batches", operation_id = "downloadBatch",
    params(BatchPath),
    responses(
        (status = 200, description = "The ZIP",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"batch-….zip\"")),
            content((Document = "application/zip"))),
        InputErrors, NotFound, CallerErrors))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
) -> Result<Response, ApiError> {
    let chunks = client(state).download_batch(grpc(&headers, v1::DownloadBatchRequest { batch_id })).await?;
    streamed_file(chunks.into_inner(), |m: v1::DownloadBatchResponse| (m.filename, m.content_type, m.chunk)).await
}

/// The batch as Server-Sent Events: a `progress` event (data: the Batch) with every item
/// first, then one per change with the counts and the items that changed, and last, once
/// no item is `PENDING` or `PROCESSING`, every item as it ended; then closed (or when the
/// edge stops); an `error` event (data: the
/// error body) if the server fails.
#[utoipa::path(get, path = "/api/batches/{batch_id}/events", tag = "batches", operation_id = "watchBatch",
    params(BatchPath),
    responses((status = 200, description = "`progress` events, each carrying a Batch",
        content_type = "text/event-stream", body = Batch), InputErrors, NotFound, CallerErrors))]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
) -> Result<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let stopped = state.clone().stopped();
    let updates = client(state).watch_batch(grpc(&headers, v1::WatchBatchRequest { batch_id })).await?.into_inner();
    Ok(progress_events(updates, stopped, |update: v1::WatchBatchResponse| update.batch.map(Batch::from), "batch"))
}
