// Starts the system the browser tests run against (the harness's `web-system` binary,
// built by `make test`) with a real OpenID Connect provider it accepts the tokens of
// (tests/oidc/provider.mjs, installed by `make test`), hands their URLs to the tests
// through the environment, and stops both afterwards. The system's log goes to
// test-results/system.log.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Starts the test OpenID Connect provider; its issuer URL and the process. */
async function startProvider(): Promise<{ issuer: string; provider: ChildProcess }> {
  const provider = spawn("node", [`${root}tests/oidc/provider.mjs`], { stdio: ["pipe", "pipe", "ignore"] });
  const line = await new Promise<string>((resolve, reject) => {
    provider.once("error", reject);
    provider.once("exit", (code) => reject(new Error(`the OIDC provider exited with ${code}: run npm ci in tests/oidc`)));
    createInterface({ input: provider.stdout }).once("line", resolve);
  });
  return { issuer: (JSON.parse(line) as { issuer: string }).issuer, provider };
}

export default async function globalSetup() {
  const binary = process.env.WEB_SYSTEM_BIN ?? `${root}target/debug/web-system`;
  mkdirSync("test-results", { recursive: true });
  const { issuer, provider } = await startProvider();
  process.env.OIDC_ISSUER = issuer;
  const log = createWriteStream("test-results/system.log");
  const oidc = { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: "resume-web", OIDC_ROLES_CLAIM: "realm_access.roles" };
  const child = spawn(binary, [], {
    cwd: root,
    env: { ...process.env, ...oidc, WEB_DIR: `${root}web/dist`, RUST_LOG: process.env.RUST_LOG ?? "info" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stderr.pipe(log);
  // Its log shares stdout; the URLs are the line that starts with {"control_url".
  const line = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`web-system exited with ${code}; see test-results/system.log`)));
    createInterface({ input: child.stdout }).on("line", (text) => {
      log.write(`${text}\n`);
      if (text.startsWith('{"control_url"')) resolve(text);
    });
  });
  const { edge_url, control_url } = JSON.parse(line) as { edge_url: string; control_url: string };
  process.env.EDGE_URL = edge_url;
  process.env.CONTROL_URL = control_url;
  return async () => {
    child.stdin.end();
    provider.stdin?.end();
    await Promise.all([child, provider].map((process) => new Promise((resolve) => process.once("exit", resolve))));
  };
}
