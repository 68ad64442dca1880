//! Authentication and authorization of every gRPC call, as a tower layer.
//!
//! Tokens are HS256 JWTs with `sub` and `exp` (and optional `roles`), or, when
//! `OIDC_ISSUER` is set, that issuer's RS256/ES256 access tokens ([`crate::oidc`]). Which
//! calls need what is decided here from the request path alone, so that no handler can forget:
//! health, reflection and `ReadinessService` are open; `CandidateService` and
//! `ResumeService` need any valid user token; `WorkerService` needs the `worker` role;
//! each `AdminService` call needs `ops` or `admin` (reads) or `admin` (actions). Services
//! are named by their generated constants and a call the table does not name is refused.
//! The verified [`Caller`] is put in the request's extensions for the handlers, after
//! the call was counted against its user's rate limit ([`ApiLimit`]).

use std::{
    sync::Arc,
    task::{Context, Poll},
};

use futures::{FutureExt, future::BoxFuture};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use tonic::{Request, Status};
use tower::{Layer, Service};

use crate::{api_limit::ApiLimit, oidc::Issuer};

/// The claims we read from a token.
#[derive(Debug, Deserialize)]
struct Claims {
    /// Checked as a required claim first (so that its absence is named as such).
    #[serde(default)]
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

/// What a call requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Requirement {
    Nothing,
    User,
    /// A token with one of these roles.
    AnyRole(&'static [&'static str]),
}

/// The roles that may read the operators' views.
const READERS: &[&str] = &["ops", "admin"];
/// The role that may act on jobs and queues.
const ACTORS: &[&str] = &["admin"];
/// The role of the workers' own calls.
const WORKERS: &[&str] = &["worker"];

impl Requirement {
    /// Whether a call counts against its user's rate limit (workers are not users).
    fn is_counted(self) -> bool {
        !matches!(self, Requirement::Nothing | Requirement::AnyRole(WORKERS))
    }
}

/// What the call at `path` (`/<service>/<method>`) requires; `None` for a call this table
/// does not name, which is refused. Services are matched by their generated names, so a
/// renamed or new service is refused until it is given a requirement here.
fn requirement(path: &str) -> Option<Requirement> {
    use resume_proto::v1::{
        admin_service_server, batch_service_server, candidate_service_server, opening_service_server,
        readiness_service_server, resume_service_server, usage_service_server, worker_service_server,
    };
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    let open = [
        tonic_health::pb::health_server::SERVICE_NAME,
        tonic_reflection::pb::v1::server_reflection_server::SERVICE_NAME,
        tonic_reflection::pb::v1alpha::server_reflection_server::SERVICE_NAME,
        readiness_service_server::SERVICE_NAME,
    ];
    if open.contains(&service) {
        return Some(Requirement::Nothing);
    }
    let users = [
        candidate_service_server::SERVICE_NAME,
        resume_service_server::SERVICE_NAME,
        opening_service_server::SERVICE_NAME,
        batch_service_server::SERVICE_NAME,
        usage_service_server::SERVICE_NAME,
    ];
    if users.contains(&service) {
        return Some(Requirement::User);
    }
    if service == worker_service_server::SERVICE_NAME {
        return Some(Requirement::AnyRole(WORKERS));
    }
    if service == admin_service_server::SERVICE_NAME {
        // Each admin call by name: one added later is refused until it is sorted here
        // into reads (ops) or actions (admin only).
        return match method {
            "ListQueues" | "ListWorkers" | "GetStats" | "GetJobDetail" | "ListErrorGroups" | "ListJobs"
            | "ListAuditEntries" | "GetHistory" | "WatchEvents" | "GetSpending" | "ListRecentBatches" => {
                Some(Requirement::AnyRole(READERS))
            }
            "RetryJob" | "CancelAnyJob" | "BulkJobs" | "PauseQueue" | "ResumeQueue" | "SetUserBudget" => {
                Some(Requirement::AnyRole(ACTORS))
            }
            _ => None,
        };
    }
    None
}

/// Whether the server serves the call at `path` (every call it serves has a requirement).
pub fn is_served(path: &str) -> bool {
    requirement(path).is_some()
}

/// Verifies tokens: HS256 against the shared secret, RS256/ES256 against the OIDC
/// issuer's keys when there is one.
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
    issuer: Option<Issuer>,
}

impl Verifier {
    /// A verifier for HS256 tokens signed with `secret`, and `issuer`'s tokens if any.
    pub fn new(secret: &str, issuer: Option<Issuer>) -> Result<Verifier, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 0;
        // The contract requires `sub` and `exp` and nothing else: a token that also names an
        // audience (as many minting tools add) is as good; no audience is configured to match.
        validation.validate_aud = false;
        // A token not valid before a time (`nbf`) is refused until then.
        validation.validate_nbf = true;
        Ok(Verifier { key: DecodingKey::from_secret(secret.as_bytes())?, validation, issuer })
    }

    /// The OIDC issuer whose tokens are accepted, if any.
    pub fn issuer(&self) -> Option<&Issuer> {
        self.issuer.as_ref()
    }

    /// The caller named by an `authorization` value (`Bearer <jwt>`).
    pub async fn verify(&self, authorization: Option<&str>) -> Result<Caller, Status> {
        let token = runtime::bearer::token(authorization).map_err(Status::unauthenticated)?;
        let header = decode_header(token).map_err(|_| Status::unauthenticated("token is malformed"))?;
        match &self.issuer {
            Some(issuer) if header.alg != Algorithm::HS256 => issuer.verify(token, &header).await,
            _ => self.verify_shared(token),
        }
    }

    /// The caller of an HS256 token signed with the shared secret.
    fn verify_shared(&self, token: &str) -> Result<Caller, Status> {
        let claims = decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                // ErrorKind is non-exhaustive: name the cases a client can act on.
                let why = if matches!(e.kind(), ErrorKind::ExpiredSignature) {
                    "token expired"
                } else if matches!(e.kind(), ErrorKind::InvalidSignature) {
                    "token signature is invalid"
                } else if matches!(e.kind(), ErrorKind::InvalidAlgorithm) {
                    "token algorithm must be HS256"
                } else if matches!(e.kind(), ErrorKind::ImmatureSignature) {
                    "token is not valid yet (nbf)"
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
    #[cfg(test)]
    async fn authorize(&self, path: &str, authorization: Option<&str>) -> Result<Option<Caller>, Status> {
        self.authorize_as(path, requirement(path), authorization).await
    }

    /// The same, with the path's requirement already looked up.
    async fn authorize_as(
        &self,
        path: &str,
        needed: Option<Requirement>,
        authorization: Option<&str>,
    ) -> Result<Option<Caller>, Status> {
        let Some(needed) = needed else {
            return Err(Status::permission_denied(format!("{path} is not a call this server opens")));
        };
        if needed == Requirement::Nothing {
            return Ok(None);
        }
        let caller = self.verify(authorization).await?;
        if let Requirement::AnyRole(roles) = needed
            && !caller.roles.iter().any(|r| roles.contains(&r.as_str()))
        {
            return Err(Status::permission_denied(format!("this call needs the {} role", roles.join(" or "))));
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
        let path = request.uri().path().to_owned();
        let needed = requirement(&path);
        if needed == Some(Requirement::Nothing) {
            return self.inner.call(request).boxed();
        }
        let limit = self.limit.clone().filter(|_| needed.is_some_and(Requirement::is_counted));
        let authorization =
            request.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let verifier = self.verifier.clone();
        // The service polled ready is the one that must be called; a clone stays behind.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        async move {
            let caller = match verifier.authorize_as(&path, needed, authorization.as_deref()).await {
                Ok(Some(caller)) => caller,
                Ok(None) => return inner.call(request).await,
                Err(status) => return Ok(status.into_http()),
            };
            if let Some(limit) = limit
                && let Err(status) = limit.admit(&caller.user_id).await
            {
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
        assert_eq!(requirement("/grpc.health.v1.Health/Check"), Some(Requirement::Nothing));
        let reflection = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
        assert_eq!(requirement(reflection), Some(Requirement::Nothing));
        assert_eq!(requirement("/resume.v1.WorkerService/ClaimTask"), Some(Requirement::AnyRole(WORKERS)));
        assert_eq!(requirement("/resume.v1.AdminService/ListQueues"), Some(Requirement::AnyRole(READERS)));
        assert_eq!(requirement("/resume.v1.AdminService/ListJobs"), Some(Requirement::AnyRole(READERS)));
        assert_eq!(requirement("/resume.v1.AdminService/BulkJobs"), Some(Requirement::AnyRole(ACTORS)));
        assert_eq!(requirement("/resume.v1.AdminService/PauseQueue"), Some(Requirement::AnyRole(ACTORS)));
        assert_eq!(requirement("/resume.v1.ReadinessService/GetReadiness"), Some(Requirement::Nothing));
        assert_eq!(requirement("/resume.v1.ResumeService/GetJob"), Some(Requirement::User));
        assert_eq!(requirement("/resume.v1.OpeningService/CreateOpening"), Some(Requirement::User));
        assert_eq!(requirement("/resume.v1.BatchService/DownloadBatch"), Some(Requirement::User));
        assert_eq!(requirement("/resume.v1.UsageService/GetMyUsage"), Some(Requirement::User));
        assert_eq!(requirement("/resume.v1.AdminService/GetSpending"), Some(Requirement::AnyRole(READERS)));
        assert_eq!(requirement("/resume.v1.AdminService/SetUserBudget"), Some(Requirement::AnyRole(ACTORS)));
        // Unknown services and admin calls nobody sorted are refused.
        assert_eq!(requirement("/resume.v1.NewService/Anything"), None);
        assert_eq!(requirement("/resume.v1.AdminService/DropEverything"), None);
        assert_eq!(requirement("/resume.v1.AdminService/GetReadiness"), None);
        assert_eq!(requirement("no-slash"), None);
    }

    /// Every RPC of every service the server describes (and so serves) is in the table.
    #[test]
    fn every_served_rpc_has_an_explicit_requirement() {
        use prost::Message;
        let sets = [
            resume_proto::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
        ];
        let mut rpcs = 0;
        for set in sets {
            let set = prost_types::FileDescriptorSet::decode(set).unwrap();
            for file in set.file {
                for service in &file.service {
                    for method in &service.method {
                        let path = format!("/{}.{}/{}", file.package(), service.name(), method.name());
                        assert!(requirement(&path).is_some(), "{path} has no requirement");
                        rpcs += 1;
                    }
                }
            }
        }
        assert!(rpcs >= 20, "only {rpcs} RPCs described");
    }

    #[tokio::test]
    async fn ops_may_read_the_operators_views_and_users_may_not() {
        let v = Verifier::new("k", None).unwrap();
        let bearer = |roles: serde_json::Value| {
            format!("Bearer {}", token("k", json!({"sub": "u1", "exp": in_an_hour(), "roles": roles})))
        };
        let path = "/resume.v1.AdminService/GetStats";
        assert!(v.authorize(path, Some(&bearer(json!(["ops"])))).await.unwrap().is_some());
        assert!(v.authorize(path, Some(&bearer(json!(["admin"])))).await.unwrap().is_some());
        let refused = v.authorize(path, Some(&bearer(json!([])))).await.unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied);
        let unknown = v.authorize("/resume.v1.Unknown/Call", Some(&bearer(json!(["admin"])))).await.unwrap_err();
        assert_eq!(unknown.code(), Code::PermissionDenied);
    }

    #[tokio::test]
    async fn accepts_a_good_token_and_reads_its_roles() {
        let v = Verifier::new("k", None).unwrap();
        let t = token("k", json!({"sub": "u1", "exp": in_an_hour(), "roles": ["admin"]}));
        let caller = v.verify(Some(&format!("Bearer {t}"))).await.unwrap();
        assert_eq!(caller, Caller { user_id: "u1".into(), roles: vec!["admin".into()] });
        // Claims beyond the required ones (an audience, an issuer, a time of issue) change nothing.
        let t = token("k", json!({"sub": "u2", "exp": in_an_hour(), "aud": "resumes", "iss": "x", "iat": 1}));
        assert_eq!(v.verify(Some(&format!("Bearer {t}"))).await.unwrap().user_id, "u2");
    }

    #[tokio::test]
    async fn refuses_bad_tokens() {
        let v = Verifier::new("k", None).unwrap();
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
            let err = v.verify(header.as_deref()).await.unwrap_err();
            assert_eq!(err.code(), Code::Unauthenticated, "{header:?}");
        }
    }

    #[tokio::test]
    async fn a_user_token_is_refused_on_worker_calls() {
        let v = Verifier::new("k", None).unwrap();
        let t = format!("Bearer {}", token("k", json!({"sub": "u1", "exp": in_an_hour()})));
        let err = v.authorize("/resume.v1.WorkerService/ClaimTask", Some(&t)).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        assert!(v.authorize("/resume.v1.ResumeService/GetJob", Some(&t)).await.unwrap().is_some());
    }
}
