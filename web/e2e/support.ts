// What the browser tests share: the system's URLs, its control routes (tokens, the fake
// model's latency and failures, reading a document's text), candidates made over the API,
// and the accessibility scan.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

export const edge = () => required("EDGE_URL");
const controlUrl = () => required("CONTROL_URL");

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through playwright.config.ts (global setup)`);
  return value;
}

async function control(method: "GET" | "POST", path: string, body?: Buffer): Promise<string> {
  const response = await fetch(`${controlUrl()}${path}`, { method, body: body ? new Uint8Array(body) : null });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${text}`);
  return text;
}

/** `name` with a random suffix: tests share one system, so each signs in as users of its own. */
export const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

export const tokenFor = (user: string, roles: string[] = []) =>
  control("GET", `/token?sub=${encodeURIComponent(user)}&roles=${roles.join(",")}`);
export const setModelLatency = (ms: number) => control("POST", `/latency?ms=${ms}`);
/** The model takes `ms` to its first token, then writes `tokensPerS` tokens a second (streamed). */
export const setModelPace = (ms: number, tokensPerS: number) => control("POST", `/latency?ms=${ms}&tokens_per_s=${tokensPerS}`);
export const failNextModelCalls = (status: number, times: number) => control("POST", `/fail?status=${status}&times=${times}`);
export const modelCalls = async () => Number(await control("GET", "/calls"));
export const documentText = (bytes: Buffer, type: "pdf" | "docx") => control("POST", `/text?type=${type}`, bytes);

/** Signs `user` (holding `roles`) in the way `make run`'s link does; their token. */
export async function signIn(page: Page, user: string, roles: string[] = []): Promise<string> {
  const token = await tokenFor(user, roles);
  await page.goto(`${edge()}/#token=${token}`);
  await expect(page.getByText(`Signed in as ${user}`)).toBeVisible();
  return token;
}

export interface Made {
  id: number;
  targetId: number;
}

/** A candidate with two roles and a target job, made over the API as `token`'s user. */
export async function makeCandidate(token: string, fullName: string): Promise<Made> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const candidate = {
    full_name: fullName,
    email: "grace@example.com",
    location: "Arlington, VA, USA",
    headline: "Compiler pioneer",
    summary: "Built the first compiler and taught machines to read English.",
    skills: ["COBOL", "Compilers", "Leadership"],
    experience: [
      { company: "Remington Rand", title: "Senior Mathematician", start: "1949-06", end: "1967-01", highlights: ["Wrote the A-0 compiler"] },
      { company: "US Navy", title: "Rear Admiral", start: "1967-08", end: "1986-08", highlights: ["Standardised COBOL across the Navy"] },
    ],
  };
  const created = await fetch(`${edge()}/api/candidates`, { method: "POST", headers, body: JSON.stringify(candidate) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: number };
  const target = { title: "Staff Engineer", company: "Compilers Inc", description: "Lead a compiler team." };
  const job = await fetch(`${edge()}/api/candidates/${id}/jobs`, { method: "POST", headers, body: JSON.stringify(target) });
  expect(job.status).toBe(201);
  return { id, targetId: ((await job.json()) as { id: number }).id };
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${where}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** Chooses what to generate and clicks Generate. */
export async function generate(page: Page, format: "Word (.docx)" | "PDF" | "Plain text" | "Markdown", target: string | null) {
  await page.getByLabel("Tailored to").selectOption(target === null ? { index: 0 } : { label: target });
  await page.getByRole("radio", { name: format }).check();
  await page.getByRole("button", { name: "Generate", exact: true }).click();
}

export const progressBar = (page: Page) => page.getByRole("progressbar", { name: "Resume progress" });

/** The jobs this tab still waits for, to save each one's file automatically once. */
export const awaitedJobs = (page: Page) =>
  page.evaluate(() => JSON.parse(sessionStorage.getItem("resume.awaiting") ?? "[]") as string[]);

/** Submits a resume of `candidate` over the API as `token`'s user; the job's id. */
export async function submitJob(token: string, candidate: number, extra: Record<string, unknown> = {}): Promise<string> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const body = JSON.stringify({ candidate_id: candidate, ...extra });
  const response = await fetch(`${edge()}/api/resume-async/generate-async`, { method: "POST", headers, body });
  expect(response.status).toBe(202);
  return ((await response.json()) as { job_id: string }).job_id;
}

/** A job's status as the API answers it to `token`'s user. */
export async function jobStatus(token: string, jobId: string): Promise<string> {
  const response = await fetch(`${edge()}/api/resume-async/job-status/${jobId}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { status: string }).status;
}

/**
 * Whether a checkbox sits beside its label's words (their lines span the box's middle,
 * right of it), not alone above them, as a wide input or a wrapping style once put it.
 */
export const besideItsWords = (box: Locator) =>
  box.evaluate((input) => {
    const words = document.createRange();
    words.selectNodeContents(input.parentElement!);
    words.setStartAfter(input);
    const lines = Array.from(words.getClientRects());
    const first = lines[0];
    const last = lines[lines.length - 1];
    const b = input.getBoundingClientRect();
    const middle = (b.top + b.bottom) / 2;
    return first !== undefined && last !== undefined && first.left >= b.right && middle >= first.top && middle <= last.bottom;
  });
