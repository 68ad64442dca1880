//! How the web app signs in: the OpenID Connect issuer and client it uses, when one is
//! configured (`OIDC_ISSUER`, `OIDC_CLIENT_ID`). Public (no token): the app asks before
//! anyone has signed in. The server verifies that issuer's tokens; the edge only tells.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

/// The sign-in the app offers, as configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuthConfig {
    /// The issuer to sign in with (authorization code + PKCE S256, in the browser); its
    /// access tokens are accepted as bearer tokens. Null: only pasted HS256 tokens.
    #[schema(example = "https://id.example.com/realms/resume")]
    pub oidc_issuer: Option<String>,
    /// The app's (public) client id at that issuer; null when there is no issuer.
    #[schema(example = "resume-web")]
    pub oidc_client_id: Option<String>,
    /// The claim, or dotted path, where that issuer's tokens hold their roles
    /// (`OIDC_ROLES_CLAIM`); null when there is no issuer.
    #[schema(example = "realm_access.roles")]
    pub oidc_roles_claim: Option<String>,
}

impl From<&runtime::oidc::Settings> for AuthConfig {
    fn from(settings: &runtime::oidc::Settings) -> AuthConfig {
        AuthConfig {
            oidc_issuer: settings.oidc_issuer.clone(),
            oidc_client_id: settings.oidc_client_id.clone(),
            oidc_roles_claim: settings.oidc_issuer.as_ref().map(|_| settings.oidc_roles_claim.clone()),
        }
    }
}

/// How the app signs in: the OpenID Connect issuer and client id, or nulls.
#[utoipa::path(get, path = "/api/auth/config", tag = "auth", operation_id = "auth_config", security(),
    responses((status = 200, description = "The sign-in the app offers", body = AuthConfig)))]
pub async fn config(State(state): State<AppState>) -> Json<AuthConfig> {
    Json(state.auth.as_ref().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roles_claim_is_told_only_with_an_issuer() {
        let none = AuthConfig::from(&runtime::oidc::Settings::default());
        assert_eq!(none, AuthConfig::default());
        let settings = runtime::oidc::Settings {
            oidc_issuer: Some("https://id.example.com".into()),
            oidc_client_id: Some("app".into()),
            oidc_roles_claim: "realm_access.roles".into(),
        };
        let told = AuthConfig::from(&settings);
        assert_eq!(told.oidc_roles_claim.as_deref(), Some("realm_access.roles"));
        assert_eq!(told.oidc_client_id.as_deref(), Some("app"));
    }
}
