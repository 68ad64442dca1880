//! The one thing the edge checks of a caller's token itself: that a route needing one is
//! sent one (`Authorization: Bearer <token>`). Without it the request is answered 401
//! before its path, query or body is read, so a caller with no token learns that first
//! rather than that its body is wrong. Whether the token is good (signature, expiry,
//! roles) is the server's to judge, on every call.

use std::{collections::HashSet, sync::Arc};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{StatusCode, header::AUTHORIZATION},
    middleware::Next,
    response::{IntoResponse, Response},
};
use utoipa::openapi::{OpenApi, PathItem, path::Operation};

use crate::error::ApiError;

/// The routes (path patterns, as axum matches them) that need no token: those whose
/// operations the OpenAPI document marks `security: []`.
#[derive(Clone)]
pub struct OpenRoutes(
    /// Their path patterns (`/api/healthz`).
    Arc<HashSet<String>>,
);

impl OpenRoutes {
    /// The open routes of `document`.
    pub fn of(document: &OpenApi) -> OpenRoutes {
        let open = |item: &PathItem| operations(item).all(|op| op.security.as_ref().is_some_and(Vec::is_empty));
        OpenRoutes(Arc::new(
            document.paths.paths.iter().filter(|(_, item)| open(item)).map(|(path, _)| path.clone()).collect(),
        ))
    }
}

fn operations(item: &PathItem) -> impl Iterator<Item = &Operation> {
    [&item.get, &item.put, &item.post, &item.delete, &item.options, &item.head, &item.patch, &item.trace]
        .into_iter()
        .flatten()
}

/// Middleware on the `/api` routes: 401 for a route that needs a token and has none.
pub async fn required(State(open): State<OpenRoutes>, request: Request, next: Next) -> Response {
    let needs_token = request.extensions().get::<MatchedPath>().is_some_and(|path| !open.0.contains(path.as_str()));
    if needs_token {
        let authorization = request.headers().get(AUTHORIZATION).map(|value| value.to_str().unwrap_or_default());
        if let Err(why) = runtime::bearer::token(authorization) {
            return ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", why).into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::OpenRoutes;

    #[test]
    fn the_open_routes_are_the_documents_token_free_ones() {
        let (_, document) = crate::routes().split_for_parts();
        let open = OpenRoutes::of(&document);
        let mut open: Vec<&str> = open.0.iter().map(String::as_str).collect();
        open.sort_unstable();
        assert_eq!(open, ["/api/auth/config", "/api/healthz", "/api/openapi.json", "/api/readyz"]);
    }
}
