// What the app knows of the OpenID Connect issuer before a sign-in starts (from
// `GET /api/auth/config`): small, so the first load carries none of the protocol code
// (auth/oidc.ts, loaded when a sign-in starts or comes back).

/** The issuer and the app's client there. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Where the issuer's access tokens hold their roles. */
  rolesClaim: string;
}

/** The route the issuer redirects back to. */
export const CALLBACK_PATH = "/auth/callback";

/** The issuer's name as the app shows it: its host. */
export function issuerName(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}
