//! `/api/openings`: a recruiter's openings (postings written once, targeted by many
//! candidates), and the batches submitted for one.

pub(crate) mod json;

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode},
};
use resume_proto::v1::{self, opening_service_client::OpeningServiceClient};

use super::AppState;
use crate::{
    error::{ApiError, BodyErrors, CallerErrors, InputErrors, NotFound, required},
    extract::{JsonBody, grpc, id, query_error},
    json::PageQuery,
};
use json::{NewOpening, Opening, OpeningList, OpeningPath};

fn client(state: AppState) -> OpeningServiceClient<tonic::transport::Channel> {
    OpeningServiceClient::new(state.channel)
}

fn opening(opening: Option<v1::Opening>) -> Result<Json<Opening>, ApiError> {
    Ok(Json(required(opening, "opening")?.into()))
}

/// Creates an opening.
#[utoipa::path(post, path = "/api/openings", tag = "openings", operation_id = "createOpening",
    request_body = NewOpening,
    responses((status = 201, description = "Created, with its id", body = Opening), InputErrors, BodyErrors,
        CallerErrors))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewOpening>,
) -> Result<(StatusCode, Json<Opening>), ApiError> {
    let request = v1::CreateOpeningRequest { opening: Some(body.into()) };
    let response = client(state).create_opening(grpc(&headers, request)).await?.into_inner();
    Ok((StatusCode::CREATED, opening(response.opening)?))
}

/// The caller's openings, newest first, a page at a time.
#[utoipa::path(get, path = "/api/openings", tag = "openings", operation_id = "listOpenings", params(PageQuery),
    responses((status = 200, description = "A page of openings, newest first", body = OpeningList), InputErrors,
        CallerErrors))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<OpeningList>, ApiError> {
    let Query(query) = query.map_err(query_error)?;
    let request = v1::ListOpeningsRequest { limit: query.limit, page_token: query.page_token.unwrap_or_default() };
    let response = client(state).list_openings(grpc(&headers, request)).await?.into_inner();
    Ok(Json(OpeningList {
        openings: response.openings.into_iter().map(Into::into).collect(),
        next_page_token: response.next_page_token,
    }))
}

/// One of the caller's openings.
#[utoipa::path(get, path = "/api/openings/{id}", tag = "openings", operation_id = "getOpening",
    params(OpeningPath),
    responses((status = 200, description = "The opening", body = Opening), InputErrors, NotFound, CallerErrors))]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(opening_id): Path<String>,
) -> Result<Json<Opening>, ApiError> {
    let request = v1::GetOpeningRequest { id: id("id", &opening_id)? };
    opening(client(state).get_opening(grpc(&headers, request)).await?.into_inner().opening)
}

/// Replaces every field of an opening (the same rules as creating one); the target jobs
/// that point at it take its new title, company and description.
#[utoipa::path(put, path = "/api/openings/{id}", tag = "openings", operation_id = "updateOpening",
    params(OpeningPath), request_body = NewOpening,
    responses((status = 200, description = "The opening as stored", body = Opening), InputErrors, BodyErrors,
        NotFound, CallerErrors))]
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(opening_id): Path<String>,
    JsonBody(body): JsonBody<NewOpening>,
) -> Result<Json<Opening>, ApiError> {
    let request = v1::UpdateOpeningRequest { id: id("id", &opening_id)?, opening: Some(body.into()) };
    opening(client(state).update_opening(grpc(&headers, request)).await?.into_inner().opening)
}

/// Deletes an opening; its target jobs stay as ordinary ones (with its text), its batches
/// stay without an opening.
#[utoipa::path(delete, path = "/api/openings/{id}", tag = "openings", operation_id = "deleteOpening",
    params(OpeningPath),
    responses((status = 204, description = "Deleted"), InputErrors, NotFound, CallerErrors))]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(opening_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let request = v1::DeleteOpeningRequest { id: id("id", &opening_id)? };
    client(state).delete_opening(grpc(&headers, request)).await?;
    Ok(StatusCode::NO_CONTENT)
}
