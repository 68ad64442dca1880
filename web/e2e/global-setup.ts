// Starts the system the browser tests run against (the harness's `web-system` binary,
// built by `make test`), hands its URLs to the tests through the environment, and stops it
// afterwards. Its log goes to test-results/system.log.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default async function globalSetup() {
  const binary = process.env.WEB_SYSTEM_BIN ?? `${root}target/debug/web-system`;
  mkdirSync("test-results", { recursive: true });
  const log = createWriteStream("test-results/system.log");
  const child = spawn(binary, [], {
    cwd: root,
    env: { ...process.env, WEB_DIR: `${root}web/dist`, RUST_LOG: process.env.RUST_LOG ?? "info" },
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
    await new Promise((resolve) => child.once("exit", resolve));
  };
}
