//! Authentication and authorization of every gRPC call, as a tower layer.
//!
//! Tokens are HS256 JWTs with `sub` and `exp` (and optional `roles`). Which calls need
//! what is decided here from the request path alone, so that no handler can forget:
//! health, reflection and readiness are open; `WorkerService` needs the `worker` role;
//! the rest of `AdminService` needs `admin`; everything else needs any valid user token.
//! The verified [`Caller`] is put in the request's extensions for the handlers, after
//! the call was counted against its user's rate limit ([`ApiLimit`]).

use std::{
    sync::Arc,
    task::{Context, Poll},
};

use futures::{
    FutureExt,
    future::{BoxFuture, ready},
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde::Deserialize;
use tonic::{Request, Status};
use tower::{Layer, Service};

use crate::api_limit::ApiLimit;

/// The claims we read from a token.
#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    roles: Vec<String>,
}

/// Who is calling, once their token has been verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`: the owner of every row the caller creates.
    pub user_id: String,
    /// The token's `roles`.
    pub roles: Vec<String>,
}

impl Caller {
    /// The verified caller of a request that passed the [`AuthLayer`].
    pub fn of<T>(request: &Request<T>) -> Result<&Caller, Status> {
        request.extensions().get::<Caller>().ok_or_else(|| Status::unauthenticated("missing bearer token"))
    }
}

/// What a path requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Requirement {
    Nothing,
    User,
    Role(&'static str),
}

impl Requirement {
    /// Whether a call counts against its user's rate limit (workers are not users).
    fn is_counted(self) -> bool {
        matches!(self, Requirement::User | Requirement::Role("admin"))
    }
}

fn requirement(path: &str) -> Requirement {
    if path.starts_with("/grpc.health.")
        || path.starts_with("/grpc.reflection.")
        || path == "/resume.v1.AdminService/GetReadiness"
    {
        Requirement::Nothing
    } else if path.starts_with("/resume.v1.WorkerService/") {
        Requirement::Role("worker")
    } else if path.starts_with("/resume.v1.AdminService/") {
        Requirement::Role("admin")
    } else {
        Requirement::User
    }
}

/// Verifies tokens against the shared secret.
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl Verifier {
    /// A verifier for HS256 tokens signed with `secret`.
    pub fn new(secret: &str) -> Result<Verifier, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 0;
        Ok(Verifier { key: DecodingKey::from_secret(secret.as_bytes())?, validation })
    }

    /// The caller named by an `authorization` value (`Bearer <jwt>`).
    pub fn verify(&self, authorization: Option<&str>) -> Result<Caller, Status> {
        let header = authorization.ok_or_else(|| Status::unauthenticated("missing bearer token"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| Status::unauthenticated("authorization must be \"Bearer <token>\""))?;
        let claims = decode::<Claims>(token.trim(), &self.key, &self.validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                // ErrorKind is non-exhaustive: name the cases a client can act on.
                let why = if matches!(e.kind(), ErrorKind::ExpiredSignature) {
                    "token expired"
                } else if matches!(e.kind(), ErrorKind::InvalidSignature) {
                    "token signature is invalid"
                } else if matches!(e.kind(), ErrorKind::InvalidAlgorithm) {
                    "token algorithm must be HS256"
                } else if matches!(e.kind(), ErrorKind::MissingRequiredClaim(_)) {
                    "token lacks a required claim (sub, exp)"
                } else {
                    "token is malformed"
                };
                Status::unauthenticated(why)
            })?
            .claims;
        if claims.sub.trim().is_empty() {
            return Err(Status::unauthenticated("token sub must not be empty"));
        }
        Ok(Caller { user_id: claims.sub, roles: claims.roles })
    }

    /// What the request at `path` may do, given its `authorization` value.
    fn authorize(&self, path: &str, authorization: Option<&str>) -> Result<Option<Caller>, Status> {
        let needed = requirement(path);
        if needed == Requirement::Nothing {
            return Ok(None);
        }
        let caller = self.verify(authorization)?;
        if let Requirement::Role(role) = needed
            && !caller.roles.iter().any(|r| r == role)
        {
            return Err(Status::permission_denied(format!("this call needs the {role} role")));
        }
        Ok(Some(caller))
    }
}

/// Tower layer that runs [`Verifier`] and the [`ApiLimit`] before any gRPC handler.
#[derive(Clone)]
pub struct AuthLayer {
    verifier: Arc<Verifier>,
    limit: Option<Arc<ApiLimit>>,
}

impl AuthLayer {
    /// A layer verifying with `verifier` and counting requests against `limit`.
    pub fn new(verifier: Arc<Verifier>, limit: ApiLimit) -> AuthLayer {
        AuthLayer { verifier, limit: (!limit.is_unlimited()).then(|| Arc::new(limit)) }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Auth<S> {
        Auth { inner, verifier: self.verifier.clone(), limit: self.limit.clone() }
    }
}

/// The service [`AuthLayer`] wraps around the gRPC routes.
#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    verifier: Arc<Verifier>,
    limit: Option<Arc<ApiLimit>>,
}

impl<S, B, ResBody> Service<http::Request<B>> for Auth<S>
where
    S: Service<http::Request<B>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        // CORS preflights carry no token; the CORS layer answers them.
        if request.method() == http::Method::OPTIONS {
            return self.inner.call(request).boxed();
        }
        let path = request.uri().path();
        let counted = requirement(path).is_counted();
        let authorization = request.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let caller = match self.verifier.authorize(path, authorization) {
            Ok(Some(caller)) => caller,
            Ok(None) => return self.inner.call(request).boxed(),
            Err(status) => return ready(Ok(status.into_http())).boxed(),
        };
        let Some(limit) = self.limit.clone().filter(|_| counted) else {
            request.extensions_mut().insert(caller);
            return self.inner.call(request).boxed();
        };
        // The service polled ready is the one that must be called; a clone stays behind.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        async move {
            if let Err(status) = limit.admit(&caller.user_id).await {
                return Ok(status.into_http());
            }
            request.extensions_mut().insert(caller);
            inner.call(request).await
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;
    use tonic::Code;

    fn token(secret: &str, claims: serde_json::Value) -> String {
        let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
        encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
    }

    fn in_an_hour() -> i64 {
        chrono::Utc::now().timestamp() + 3600
    }

    #[test]
    fn paths_map_to_requirements() {
        assert_eq!(requirement("/grpc.health.v1.Health/Check"), Requirement::Nothing);
        assert_eq!(requirement("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"), Requirement::Nothing);
        assert_eq!(requirement("/resume.v1.WorkerService/ClaimTask"), Requirement::Role("worker"));
        assert_eq!(requirement("/resume.v1.AdminService/ListQueues"), Requirement::Role("admin"));
        assert_eq!(requirement("/resume.v1.AdminService/GetReadiness"), Requirement::Nothing);
        assert_eq!(requirement("/resume.v1.ResumeService/GetJob"), Requirement::User);
    }

    #[test]
    fn accepts_a_good_token_and_reads_its_roles() {
        let v = Verifier::new("k").unwrap();
        let t = token("k", json!({"sub": "u1", "exp": in_an_hour(), "roles": ["admin"]}));
        let caller = v.verify(Some(&format!("Bearer {t}"))).unwrap();
        assert_eq!(caller, Caller { user_id: "u1".into(), roles: vec!["admin".into()] });
    }

    #[test]
    fn refuses_bad_tokens() {
        let v = Verifier::new("k").unwrap();
        let expired = token("k", json!({"sub": "u1", "exp": chrono::Utc::now().timestamp() - 10}));
        let wrong_key = token("other", json!({"sub": "u1", "exp": in_an_hour()}));
        let no_sub = token("k", json!({"exp": in_an_hour()}));
        let no_exp = token("k", json!({"sub": "u1"}));
        for header in [
            None,
            Some("Bearer garbage".to_owned()),
            Some(format!("Bearer {expired}")),
            Some(format!("Bearer {wrong_key}")),
            Some(format!("Bearer {no_sub}")),
            Some(format!("Bearer {no_exp}")),
            Some(format!("Basic {wrong_key}")),
        ] {
            let err = v.verify(header.as_deref()).unwrap_err();
            assert_eq!(err.code(), Code::Unauthenticated, "{header:?}");
        }
    }

    #[test]
    fn a_user_token_is_refused_on_worker_calls() {
        let v = Verifier::new("k").unwrap();
        let t = format!("Bearer {}", token("k", json!({"sub": "u1", "exp": in_an_hour()})));
        let err = v.authorize("/resume.v1.WorkerService/ClaimTask", Some(&t)).unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        assert!(v.authorize("/resume.v1.ResumeService/GetJob", Some(&t)).unwrap().is_some());
    }
}
