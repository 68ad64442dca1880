// A real, certified OpenID Connect provider (panva's oidc-provider) for the tests: the Rust
// end-to-end tests (tests/src/oidc.rs) and the browser tests (web/e2e/global-setup.ts) start
// it, sign in against it and check the tokens it issues. It runs offline on 127.0.0.1.
//
// Usage: node tests/oidc/provider.mjs. Listens on a free port and prints one JSON line,
// {"issuer": "http://127.0.0.1:PORT"}, when ready; stops when its stdin closes.
//
// What it holds:
// - the public client `resume-web` (no secret, PKCE S256 required, redirect
//   `http://127.0.0.1/auth/callback` on any port: a native loopback client), the app's;
// - confidential clients `robot-ops` and `robot-user` (secret `robot-secret`,
//   client_credentials): the Rust tests take their access tokens from the token endpoint;
// - users for the login page (any password; then Continue on the consent page, which
//   native clients always see): `olivia` holds the roles ops and admin
//   (`olivia-ops` only ops), anyone else none; roles travel in `realm_access.roles`, as
//   Keycloak puts them (OIDC_ROLES_CLAIM=realm_access.roles);
// - access tokens are JWTs for these resources (RFC 8707 `resource`):
//   `urn:resume:api` (the default: audience `resume-web`, RS256, 10 minutes),
//   `urn:resume:api:es256` (the same signed ES256), `urn:resume:api:short` (2 s),
//   `urn:other:api` (audience `other-api`: a token for another service);
// - authorization codes live 60 s and work once; the app's sessions are the browser's.
//
// Test routes beside the provider's (under /test/): `POST /test/rotate` puts a new RS256
// key in front of the old ones (tokens signed after it carry a new `kid`), keeping the
// clients; `POST /test/expire-codes` makes every code issued so far expired.
import { createServer } from "node:http";
import { generateKeyPair, exportJWK } from "jose";
import Provider from "oidc-provider";

const AUDIENCE = "resume-web";
const ROLES = { olivia: ["ops", "admin"], "olivia-ops": ["ops"] };
const RESOURCES = {
  "urn:resume:api": { audience: AUDIENCE, alg: "RS256", ttl: 600 },
  "urn:resume:api:es256": { audience: AUDIENCE, alg: "ES256", ttl: 600 },
  "urn:resume:api:short": { audience: AUDIENCE, alg: "RS256", ttl: 2 },
  "urn:other:api": { audience: "other-api", alg: "RS256", ttl: 600 },
};
const ROBOTS = { "robot-ops": ["ops"], "robot-user": [] };

async function key(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), alg, use: "sig", kid };
}

let generation = 0;
let keys = [await key("RS256", "rs-0"), await key("ES256", "es-0")];
// Codes issued before this moment are refused as expired.
let codesValidFrom = 0;

function provider(issuer) {
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: AUDIENCE,
        application_type: "native",
        token_endpoint_auth_method: "none",
        redirect_uris: ["http://127.0.0.1/auth/callback"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
      ...Object.keys(ROBOTS).map((client_id) => ({
        client_id,
        client_secret: "robot-secret",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
      })),
    ],
    jwks: { keys },
    cookies: { keys: ["test-cookie-key"] },
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      RefreshToken: 3600,
    },
    // Every origin may call the discovery, JWKS and token endpoints (the app is served
    // from the edge's random port).
    clientBasedCORS: () => true,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, name: sub }) }),
    extraTokenClaims: (_ctx, token) => {
      const roles = token.accountId ? ROLES[token.accountId] : ROBOTS[token.clientId];
      return { realm_access: { roles: roles ?? [] } };
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => "urn:resume:api",
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          const server = RESOURCES[resource];
          if (!server) throw new Provider.errors.InvalidTarget();
          return {
            scope: "api",
            audience: server.audience,
            accessTokenTTL: server.ttl,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: server.alg } },
          };
        },
      },
    },
  });
  oidc.proxy = false;
  // A code issued before the last /test/expire-codes is expired.
  const find = oidc.AuthorizationCode.find.bind(oidc.AuthorizationCode);
  oidc.AuthorizationCode.find = async (...args) => {
    const code = await find(...args);
    if (code && code.iat * 1000 < codesValidFrom) code.exp = code.iat;
    return code;
  };
  return oidc;
}

let current;
const server = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/test/rotate") {
    generation += 1;
    key("RS256", `rs-${generation}`).then((fresh) => {
      keys = [fresh, ...keys];
      current = provider(current.issuer);
      res.end(JSON.stringify({ kid: fresh.kid }));
    });
    return;
  }
  if (req.method === "POST" && req.url === "/test/expire-codes") {
    codesValidFrom = Date.now();
    res.end("{}");
    return;
  }
  current.callback()(req, res);
});
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  current = provider(issuer);
  console.log(JSON.stringify({ issuer }));
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
