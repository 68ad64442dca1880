//! `OIDC_*`: the OpenID Connect issuer whose access tokens the servers accept beside HS256
//! ones and the web app signs in with. Server and edge read the same settings: the server
//! verifies the tokens, the edge tells the app where to sign in and lets its pages reach
//! the issuer.

/// `OIDC_*`: whether an issuer's tokens are accepted, and how they are read.
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The issuer whose access tokens are accepted (exactly its `iss`) and the web app
    /// signs in with; unset: none.
    #[arg(long, env = "OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The web app's public client id at the issuer: every accepted token's `aud` names it.
    #[arg(long, env = "OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The claim (or dotted path to it) that holds a token's roles.
    #[arg(long, env = "OIDC_ROLES_CLAIM", default_value = "roles")]
    pub oidc_roles_claim: String,
}

impl Default for Settings {
    /// No issuer (roles, were there one, at `roles`).
    fn default() -> Settings {
        Settings { oidc_issuer: None, oidc_client_id: None, oidc_roles_claim: "roles".into() }
    }
}

impl Settings {
    /// Checks that issuer and client id come together, and what they look like.
    pub fn validate(&self) -> Result<(), String> {
        match (&self.oidc_issuer, &self.oidc_client_id) {
            (None, None) => Ok(()),
            (Some(issuer), Some(client_id)) => {
                if !is_issuer_url(issuer) {
                    return Err(format!(
                        "OIDC_ISSUER must be an https:// URL (http:// only on 127.0.0.1 or localhost), not {issuer:?}"
                    ));
                }
                if client_id.trim().is_empty() {
                    return Err("OIDC_CLIENT_ID must not be empty".into());
                }
                if self.oidc_roles_claim.split('.').any(str::is_empty) {
                    return Err(format!(
                        "OIDC_ROLES_CLAIM {:?} is not a claim name or dotted path",
                        self.oidc_roles_claim
                    ));
                }
                Ok(())
            }
            (Some(_), None) => Err("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both or neither".into()),
            (None, Some(_)) => Err("OIDC_CLIENT_ID is set but OIDC_ISSUER is not: set both or neither".into()),
        }
    }

    /// The issuer's origin (`https://host:port`): where the app's pages connect to sign in.
    pub fn issuer_origin(&self) -> Option<String> {
        let issuer = self.oidc_issuer.as_deref()?;
        let (scheme, rest) = issuer.split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next().filter(|authority| !authority.is_empty())?;
        Some(format!("{scheme}://{authority}"))
    }
}

/// Whether `url` may be an issuer: https, or http on the loopback (a provider on the same
/// machine, as in the tests); keys fetched over plain http elsewhere could be forged.
fn is_issuer_url(url: &str) -> bool {
    if url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty()) {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(host, _)| host);
    ["127.0.0.1", "localhost", "[::1]"].contains(&host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        oidc: Settings,
    }

    fn settings(args: &[&str]) -> Settings {
        Flags::try_parse_from(std::iter::once("process").chain(args.iter().copied())).unwrap().oidc
    }

    #[test]
    fn issuer_and_client_id_come_together() {
        assert!(settings(&[]).validate().is_ok());
        assert_eq!(settings(&[]), Settings::default());
        let both = settings(&["--oidc-issuer", "https://id.example.com/realms/r", "--oidc-client-id", "resume"]);
        assert!(both.validate().is_ok());
        assert_eq!(both.oidc_roles_claim, "roles");
        assert!(
            settings(&["--oidc-issuer", "https://id.example.com"]).validate().unwrap_err().contains("OIDC_CLIENT_ID")
        );
        assert!(settings(&["--oidc-client-id", "resume"]).validate().unwrap_err().contains("OIDC_ISSUER"));
        let path = settings(&["--oidc-issuer", "https://i", "--oidc-client-id", "c", "--oidc-roles-claim", "a..b"]);
        assert!(path.validate().is_err());
    }

    #[test]
    fn the_issuer_is_https_or_on_the_loopback() {
        for bad in ["id.example.com", "http://id.example.com", "http://127.0.0.1.example.com", "https://", "ftp://x"] {
            let bad = settings(&["--oidc-issuer", bad, "--oidc-client-id", "resume"]);
            assert!(bad.validate().unwrap_err().contains("https://"), "{bad:?}");
        }
        for good in ["http://127.0.0.1:4000", "http://localhost/realms/r", "https://id.example.com/"] {
            assert!(settings(&["--oidc-issuer", good, "--oidc-client-id", "resume"]).validate().is_ok(), "{good}");
        }
    }

    #[test]
    fn the_issuers_origin_is_its_scheme_and_authority() {
        let origin = |issuer: &str| settings(&["--oidc-issuer", issuer]).issuer_origin();
        assert_eq!(origin("https://id.example.com/realms/r").as_deref(), Some("https://id.example.com"));
        assert_eq!(origin("http://127.0.0.1:4000").as_deref(), Some("http://127.0.0.1:4000"));
        assert_eq!(settings(&[]).issuer_origin(), None);
    }
}
