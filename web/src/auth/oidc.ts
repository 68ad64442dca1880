// OpenID Connect sign-in in the browser: the authorization code flow with PKCE (S256),
// `state` and `nonce`, against the issuer that `GET /api/auth/config` names, as the public
// client it names (oauth4webapi speaks the protocol). The access token it yields becomes
// the session's bearer token, as a pasted one would.
//
// What one sign-in needs across the redirect (code verifier, state, nonce, the page to
// return to) waits in sessionStorage and is taken, that is removed, by the first callback
// that reads it: a callback URL opened a second time finds nothing and is refused.
import * as oauth from "oauth4webapi";

import { CALLBACK_PATH, issuerName, type OidcConfig } from "./issuer";
import { signIn } from "./session";

const PENDING = "resume.oidc.pending";

/** A sign-in under way, kept across the redirect. */
interface Pending extends OidcConfig {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/** A sign-in that failed, with a message a user can act on. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInError";
  }
}

const redirectUri = () => `${window.location.origin}${CALLBACK_PATH}`;

/** Plain http is allowed for an issuer configured so (the server allows it on the loopback only). */
function insecure(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return issuer.protocol === "http:" ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  try {
    const response = await oauth.discoveryRequest(url, { algorithm: "oidc", ...insecure(url) });
    return await oauth.processDiscoveryResponse(url, response);
  } catch {
    throw new SignInError(`Cannot reach ${issuerName(issuer)} to sign in; try again in a moment.`);
  }
}

/** Starts a sign-in: sends the browser to the issuer, to come back to `returnTo`. */
export async function startSignIn(config: OidcConfig, returnTo: string): Promise<void> {
  const server = await discover(config.issuer);
  if (!server.authorization_endpoint) throw new SignInError(`${issuerName(config.issuer)} has no authorization endpoint.`);
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: Pending = {
    ...config,
    verifier,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: "code",
    scope: "openid",
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: pending.state,
    nonce: pending.nonce,
  }).toString();
  window.location.assign(url.href);
}

/** The sign-in under way, taken out of storage (so it serves one callback only). */
function takePending(): Pending | null {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) return null;
  try {
    const pending = JSON.parse(raw) as Partial<Pending>;
    const fields = [pending.issuer, pending.clientId, pending.rolesClaim, pending.verifier, pending.state, pending.nonce];
    return fields.every((f) => typeof f === "string") ? (pending as Pending) : null;
  } catch {
    return null;
  }
}

/** Finishes the sign-in the issuer redirected back with (`callback`): checks its state,
 * exchanges the code, signs in with the access token; the page to return to. */
export async function completeSignIn(callback: URL): Promise<string> {
  const pending = takePending();
  if (!pending) {
    throw new SignInError("This sign-in response was already used, or the sign-in did not start in this tab. Sign in again.");
  }
  const name = issuerName(pending.issuer);
  const server = await discover(pending.issuer);
  const client: oauth.Client = { client_id: pending.clientId };
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(server, client, callback, pending.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new SignInError(`${name} refused the sign-in: ${error.error_description ?? error.error}. Sign in again.`);
    }
    throw new SignInError("This sign-in response does not belong to the sign-in this tab started (its state differs). Sign in again.");
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    const options = insecure(new URL(pending.issuer));
    const response = await oauth.authorizationCodeGrantRequest(
      server, client, oauth.None(), parameters, redirectUri(), pending.verifier, options,
    );
    tokens = await oauth.processAuthorizationCodeResponse(server, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === "invalid_grant") {
      throw new SignInError(`${name} refused the sign-in code: it has expired or was already used. Sign in again.`);
    }
    if (error instanceof oauth.ResponseBodyError) {
      throw new SignInError(`${name} refused the sign-in: ${error.error_description ?? error.error}. Sign in again.`);
    }
    throw new SignInError(`The sign-in with ${name} could not be completed; sign in again.`);
  }
  const problem = signIn(tokens.access_token, pending.rolesClaim);
  if (problem) {
    throw new SignInError(`${name} gave an access token this service cannot use (it must be a JWT for this app). ${problem}`);
  }
  return pending.returnTo;
}
