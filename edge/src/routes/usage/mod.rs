//! `/api/me/usage`: what the caller's own jobs cost, and their monthly budget.

pub(crate) mod json;

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::HeaderMap,
};
use resume_proto::v1::{self, usage_service_client::UsageServiceClient};

use super::AppState;
use crate::{
    error::{ApiError, CallerErrors, InputErrors},
    extract::{grpc, query_error, window_of},
};
use json::{Usage, UsageQuery};

/// The caller's jobs submitted within the window (30 days by default): how many ended
/// each way, their tokens (prompt, cached, completion), their cost at `MODEL_PRICES`, what
/// the caches saved, and the caller's monthly budget. 400 naming `window` for an unknown
/// one.
#[utoipa::path(get, path = "/api/me/usage", tag = "usage", operation_id = "getMyUsage", params(UsageQuery),
    responses((status = 200, description = "The caller's usage over the window", body = Usage), InputErrors,
        CallerErrors))]
pub async fn mine(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<UsageQuery>, QueryRejection>,
) -> Result<Json<Usage>, ApiError> {
    let Query(UsageQuery { window }) = query.map_err(query_error)?;
    let request = v1::GetMyUsageRequest { window: window_of(window)? };
    let response = UsageServiceClient::new(state.channel).get_my_usage(grpc(&headers, request)).await?;
    Ok(Json(response.into_inner().into()))
}
