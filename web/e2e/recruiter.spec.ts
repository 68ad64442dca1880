// The frictions a recruiter's day found (issue 27), each fixed and checked in a real
// browser against the real system: the candidate form's errors and warnings, a target job
// just added, a job waiting in a paused queue or retried by an operator, the offline
// generator named, and a first load that carries only the recruiter's pages.
import { gzipSync } from "node:zlib";

import { expect, type Page, test } from "@playwright/test";

import {
  edge,
  generate,
  jobStatus,
  makeCandidate,
  progressBar,
  setModelLatency,
  setModelPace,
  signIn,
  submitJob,
  tokenFor,
  unique,
} from "./support";

const roleRow = (page: Page, n: number) =>
  page.locator(".row").filter({ has: page.getByRole("heading", { name: `Role ${n}`, exact: true }) });

async function admin(path: string) {
  const token = await tokenFor("recruiter-spec-admin", ["admin"]);
  const response = await fetch(`${edge()}${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
}

test.afterEach(async () => {
  await setModelLatency(0);
});

test("a new role says nothing before it is used; a field left blank says Required, alone", async ({ page }) => {
  await signIn(page, unique("nora"));
  await page.goto(`${edge()}/candidates/new`);
  await page.getByRole("button", { name: "Add a role" }).click();
  const row = roleRow(page, 1);
  await expect(row.getByLabel("Company")).toBeFocused();
  // Leave Company blank: it, and only it, says Required.
  await page.keyboard.press("Tab");
  await expect(row.getByLabel("Title")).toBeFocused();
  await expect(row.getByLabel("Company")).toHaveAttribute("aria-invalid", "true");
  await expect(row.getByText("Required")).toHaveCount(1);
  await expect(row.getByLabel("Title")).not.toHaveAttribute("aria-invalid", "true");
  await expect(row.getByLabel("Start")).not.toHaveAttribute("aria-invalid", "true");
});

test("a field the server refuses is marked and focused, however far up the form it is", async ({ page }) => {
  await signIn(page, unique("pia"));
  await page.goto(`${edge()}/candidates/new`);
  // A pasted bell: the browser keeps it, the server refuses it.
  await page.getByLabel("Full name").fill("Ada\u0007 Lovelace");
  await page.getByRole("button", { name: "Add a role" }).click();
  const row = roleRow(page, 1);
  await row.getByLabel("Company").fill("Analytical Engines");
  await row.getByLabel("Title").fill("Programmer");
  await row.getByLabel("Start").fill("2019-01");
  await page.getByRole("button", { name: "Create candidate" }).click();
  await expect(page.getByLabel("Full name")).toBeFocused();
  await expect(page.getByLabel("Full name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("full_name must not contain control characters").first()).toBeVisible();
});

test("the first click on Add a role after typing a link lands: nothing moves under the pointer", async ({ page }) => {
  await signIn(page, unique("otto"));
  await page.goto(`${edge()}/candidates/new`);
  await page.getByRole("button", { name: "Add a link" }).click();
  await page.getByLabel("Link 1 label").fill("GitHub");
  await page.getByLabel("Link 1 URL").fill("https://github.com/ada");
  const before = await page.getByRole("button", { name: "Add a role" }).boundingBox();
  await page.getByRole("button", { name: "Add a role" }).click();
  await expect(roleRow(page, 1)).toBeVisible();
  // A field left blank shows its error in the line kept for it: what is below stays put.
  const links = page.getByRole("group", { name: "Links" });
  await page.getByLabel("Link 1 label").fill("");
  await page.getByLabel("Link 1 label").blur();
  await expect(links.getByText("Required")).toHaveCount(1);
  const shown = await page.getByRole("button", { name: "Add a role" }).boundingBox();
  await page.getByLabel("Link 1 label").fill("GitHub");
  await page.getByLabel("Link 1 label").blur();
  await expect(links.getByText("Required")).toHaveCount(0);
  expect((await page.getByRole("button", { name: "Add a role" }).boundingBox())?.y).toBe(shown?.y);
  expect(shown?.y).toBeGreaterThan(before?.y ?? Infinity);
});

test("saving says so; leaving with unsaved changes asks first", async ({ page }) => {
  const token = await signIn(page, unique("pia"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}/edit`);
  await page.getByLabel("Headline").fill("Rear Admiral and compiler pioneer");

  // Leaving by a link asks; staying keeps the change.
  const asked: string[] = [];
  page.once("dialog", (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByRole("link", { name: "Candidates" }).click();
  await expect.poll(() => asked).toEqual(["Leave this page? Your changes are not saved."]);
  await expect(page.getByLabel("Headline")).toHaveValue("Rear Admiral and compiler pioneer");
  await expect(page).toHaveURL(/\/edit$/);

  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
  await expect(page.locator(".page-head .lead")).toHaveText("Rear Admiral and compiler pioneer");

  // A new candidate, created, is named; an untouched form leaves without a question.
  await page.goto(`${edge()}/candidates/new`);
  await page.getByRole("link", { name: "Candidates" }).click();
  await expect(page.getByRole("heading", { name: "Candidates", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New candidate" }).click();
  await page.getByLabel("Full name").fill("Katherine Johnson");
  await page.getByRole("button", { name: "Create candidate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Katherine Johnson added." })).toBeVisible();
});

test("a target job just added is the one Generate tailors to", async ({ page }) => {
  const token = await signIn(page, unique("quinn"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  const chosen = page.getByLabel("Tailored to").locator("option:checked");
  await expect(chosen).toHaveText("Staff Engineer at Compilers Inc");
  await page.getByText("Add a target job").click();
  await page.getByLabel("Job title").fill("Backend Engineer");
  await page.getByLabel("Company", { exact: true }).last().fill("Babbage & Co");
  await page.getByLabel("Job description").fill("Services in Rust on PostgreSQL.");
  await page.getByRole("button", { name: "Add target job" }).click();
  await expect(chosen).toHaveText("Backend Engineer at Babbage & Co");
  await expect(page.getByRole("status").filter({ hasText: "Generate now tailors the resume to it" })).toBeVisible();
});

test("a job in a paused queue says an operator paused it, and runs once resumed", async ({ page }) => {
  const token = await signIn(page, unique("rosa"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await admin("/api/admin/queues/resume_generation/pause");
  try {
    await generate(page, "Plain text", null);
    await expect(page.locator(".status-line")).toHaveText(
      "Queued: an operator has paused this queue; it starts when they resume it.",
    );
  } finally {
    await admin("/api/admin/queues/resume_generation/resume");
  }
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
});

test("a cancelled job an operator retries is followed again, to success, without a reload", async ({ page }) => {
  const token = await signIn(page, unique("sam"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await setModelLatency(60_000);
  await generate(page, "Markdown", null);
  await expect(page.getByRole("status")).toHaveText("Started", { timeout: 20_000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator(".status-line")).toHaveText("Cancelled.");
  const jobId = new URL(page.url()).searchParams.get("job") ?? "";
  await expect.poll(() => jobStatus(token, jobId)).toBe("CANCELLED");
  await setModelLatency(0);
  await admin(`/api/admin/jobs/${jobId}/retry`);
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
});

test("while the model writes, the bar moves, the status line says what is being written and the summary shows", async ({ page }, testInfo) => {
  const token = await signIn(page, unique("ida"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  // A slow model: a few seconds of streamed tokens (the main sections done a while before
  // the experience).
  await setModelPace(300, 10);
  try {
    await generate(page, "Plain text", null);
    await expect(page.locator(".status-line")).toHaveText(/^Writing experience: [0-2] of 2 roles…$/, { timeout: 20_000 });
    const writing = Number(await progressBar(page).getAttribute("value"));
    expect(writing).toBeGreaterThan(10);
    expect(writing).toBeLessThan(85);
    // The summary is there to read while the bullets are still being written.
    const soFar = page.getByRole("region", { name: "Written so far" });
    await expect(soFar.getByText("Model summary built from the candidate's facts.")).toBeVisible({ timeout: 20_000 });
    // Looked at while it writes, at desktop and at phone width.
    await soFar.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath("written-so-far-1280.png") });
    await page.setViewportSize({ width: 375, height: 800 });
    await soFar.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath("written-so-far-375.png") });
    await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
    await expect(soFar).toHaveCount(0);
  } finally {
    await setModelLatency(0);
  }
});

test("with no model configured, every page says the offline generator makes the resumes", async ({ page }) => {
  const user = unique("tess");
  await signIn(page, user, ["ops"]);
  const banner = page.getByText("Offline generator: resumes are built from the candidate's data alone");
  // The system under test has a model: no banner.
  await expect(page.getByRole("heading", { name: "Candidates", level: 1 })).toBeVisible();
  await expect.poll(() => page.evaluate(async () => (await (await fetch("/api/readyz")).json()) as unknown)).toMatchObject({
    model_configured: true,
  });
  await expect(banner).toHaveCount(0);
  // Readiness says there is none: the app and the console's dashboard say so.
  await page.route("**/api/readyz", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...((await response.json()) as object), model_configured: false } });
  });
  await page.reload();
  await expect(banner).toBeVisible();
  await page.getByRole("link", { name: "Console" }).click();
  await expect(banner).toBeVisible();
  await expect(page.getByText("No model is configured: the offline generator makes every resume, at no cost.")).toBeVisible();
  await expect(page.getByText("Model cost")).toHaveCount(0);
});

test("the first load carries the recruiter's pages only (at most 120 KB of JavaScript, gzip)", async ({ page }) => {
  const scripts = new Map<string, Promise<number>>();
  page.on("response", (response) => {
    if (response.url().endsWith(".js")) scripts.set(response.url(), response.body().then((body) => gzipSync(body).length));
  });
  await signIn(page, unique("uma"));
  await expect(page.getByRole("heading", { name: "Candidates", level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const firstLoad = (await Promise.all(scripts.values())).reduce((a, b) => a + b, 0);
  console.log(`first load: ${scripts.size} scripts, ${(firstLoad / 1024).toFixed(1)} KB gzip`);
  expect(firstLoad).toBeLessThanOrEqual(120 * 1024);
  const loaded = [...scripts.keys()];
  // The console (with uPlot) comes when an operator opens it.
  await page.goto(`${edge()}/monitor`);
  await expect(page.getByText("The console is for operators")).toBeVisible();
  expect([...scripts.keys()].length).toBeGreaterThan(loaded.length);
});

test("the content editor adds bullets and skills, names every control, and grows its boxes", async ({ page }) => {
  const token = await signIn(page, unique("vera"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${edge()}/candidates/${id}`);
  await generate(page, "Markdown", null);
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  await page.getByText("What it says").click();
  const role = "Senior Mathematician, Remington Rand";
  await expect(page.getByLabel(`Bullet 1 of ${role}`, { exact: true })).not.toHaveValue("");

  await page.getByRole("button", { name: `Add a bullet to ${role}` }).click();
  const added = page.getByLabel(`Bullet 2 of ${role}`, { exact: true });
  await added.fill("Led the team that wrote FLOW-MATIC, ".repeat(6).trim());
  // The box grew to its text: nothing scrolls inside it, nothing is cut off.
  expect(await added.evaluate((box) => box.scrollHeight - box.clientHeight)).toBeLessThanOrEqual(1);
  await expect(page.getByRole("button", { name: `Move bullet 2 of ${role} up` })).toBeEnabled();
  await page.getByRole("button", { name: "Add a skill" }).click();
  await page.getByLabel("Skill 4", { exact: true }).fill("FLOW-MATIC");
  await page.getByRole("button", { name: "Move skill 4 up" }).click();
  await expect(page.getByLabel("Skill 3", { exact: true })).toHaveValue("FLOW-MATIC");
  await expect(page.getByRole("button", { name: "Remove role 2 (Rear Admiral, US Navy)" })).toBeVisible();

  await page.getByRole("group", { name: "Download the edited resume" }).getByRole("button", { name: "Markdown" }).click();
  await expect(page.getByRole("heading", { name: /Grace_Hopper_Resume_edited\.md/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  const content = await page.evaluate(async () => {
    const jobId = new URL(location.href).searchParams.get("job");
    const headers = { Authorization: `Bearer ${sessionStorage.getItem("resume.token")}` };
    return (await fetch(`/api/resume-async/content/${jobId}`, { headers })).json() as Promise<{
      content: { skills: string[]; experience: { highlights: string[] }[] };
    }>;
  });
  expect(content.content.skills).toContain("FLOW-MATIC");
  expect(content.content.experience[0]?.highlights).toHaveLength(2);
});

test("the PDF preview opens at the page's width, without the viewer's side panes", async ({ page }) => {
  const token = await signIn(page, unique("wes"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await generate(page, "PDF", null);
  const preview = page.getByTitle("Preview of Grace_Hopper_Resume.pdf");
  await expect(preview).toBeVisible({ timeout: 30_000 });
  await expect(preview).toHaveAttribute("src", /^blob:.*#view=FitH&navpanes=0&toolbar=0$/);
});

test("the candidates list is searched by name, company or skill and ordered by name or last activity", async ({ page }) => {
  const token = await signIn(page, unique("xena"));
  const add = async (full_name: string, company: string, skills: string[]) => {
    const body = { full_name, skills, experience: [{ company, title: "Engineer", start: "2020-01", highlights: [] }] };
    const response = await fetch(`${edge()}/api/candidates`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { id: number }).id;
  };
  const zoe = await add("Zoë Ångström", "Remington Rand", ["Rust"]);
  await add("Ada Lovelace", "Analytical Engines", ["Mathematics"]);
  await add("Katherine Johnson", "NASA", ["Orbital mechanics", "Rust"]);
  await page.reload();
  const names = page.locator(".card-title");
  // Newest activity first: the last one added leads until a resume is made for another.
  await expect(names).toHaveText(["Katherine Johnson", "Ada Lovelace", "Zoë Ångström"]);

  const search = page.getByRole("searchbox", { name: "Search" });
  await search.fill("zoe");
  await expect(names).toHaveText(["Zoë Ångström"]);
  await search.fill("remington");
  await expect(names).toHaveText(["Zoë Ångström"]);
  await search.fill("rust");
  await expect(names).toHaveText(["Katherine Johnson", "Zoë Ångström"]);
  await expect(page.getByRole("status").filter({ hasText: "match" })).toHaveText("2 candidates match");
  await page.getByLabel("Order").selectOption({ label: "Name (A–Z)" });
  await expect(names).toHaveText(["Katherine Johnson", "Zoë Ångström"]);
  await search.fill("");
  await expect(names).toHaveText(["Ada Lovelace", "Katherine Johnson", "Zoë Ångström"]);
  expect(new URL(page.url()).searchParams.get("sort")).toBe("name");

  // A resume made for the oldest puts them first by last activity.
  const jobId = await submitJob(token, zoe, { file_type: "text" });
  await expect.poll(() => jobStatus(token, jobId)).toBe("SUCCESS");
  await page.goto(`${edge()}/?sort=activity`);
  await expect(names).toHaveText(["Zoë Ångström", "Katherine Johnson", "Ada Lovelace"]);
});

test("the history tells resumes apart, a reused one says when it was made, a regenerated one what changed", async ({ page }) => {
  const token = await signIn(page, unique("yara"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await generate(page, "PDF", "Staff Engineer at Compilers Inc");
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  const madeAt = await page.evaluate(async () => {
    const jobId = new URL(location.href).searchParams.get("job");
    const headers = { Authorization: `Bearer ${sessionStorage.getItem("resume.token")}` };
    const job = (await (await fetch(`/api/resume-async/job-status/${jobId}`, { headers })).json()) as { completed_at: string };
    return new Intl.DateTimeFormat(undefined, { timeStyle: "short" }).format(new Date(job.completed_at));
  });
  // The same request again: answered from the cache, and said so in plain words.
  await generate(page, "PDF", "Staff Engineer at Compilers Inc");
  await expect(page.locator(".status-line")).toHaveText(`Ready instantly: reused the resume made at ${madeAt}.`, { timeout: 30_000 });
  await page.getByText("Why so fast?").click();
  await expect(page.getByText("without a new model call")).toBeVisible();
  // Regenerate: a new one of the same request.
  await page.getByRole("button", { name: "Regenerate" }).click();
  const rows = page.locator("table.history tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  await expect(rows.locator("td:nth-child(2)")).toHaveText(["Regenerated", "Reused", "Generated"]);
  // The (deterministic) model wrote the same text again: said, not left to guess.
  await expect(page.getByText(/^Same text as the resume of /)).toBeVisible();
  await expect(rows.first()).toContainText("Staff Engineer at Compilers Inc");
  await expect(rows.first()).toContainText("PDF");
  // Each Download button is named for its own resume.
  const names = await rows.getByRole("button", { name: /^Download/ }).evaluateAll((buttons) =>
    buttons.map((button) => button.getAttribute("aria-label")),
  );
  expect(new Set(names).size).toBe(3);
  expect(names[0]).toMatch(/^Download the regenerated PDF of /);
});

test("roles take months from a picker, warn when not newest first, and read as months in the profile", async ({ page }) => {
  await signIn(page, unique("zed"));
  await page.goto(`${edge()}/candidates/new`);
  await page.getByLabel("Full name").fill("Dorothy Vaughan");
  for (const role of [
    { company: "NACA", title: "Mathematician", start: "1943-12", end: "1958-10" },
    { company: "NASA", title: "Programmer", start: "1958-10", end: "1971-05" },
  ]) {
    await page.getByRole("button", { name: "Add a role" }).click();
    const row = page.locator(".row").last();
    await expect(row.getByLabel("Start")).toHaveAttribute("type", "month");
    await row.getByLabel("Company").fill(role.company);
    await row.getByLabel("Title").fill(role.title);
    await row.getByLabel("Start").fill(role.start);
    await row.getByLabel("End").fill(role.end);
  }
  // Oldest first: a warning, not a refusal, and a way to fix it.
  const warning = page.getByRole("status").filter({ hasText: "not newest first" });
  await expect(warning).toBeVisible();
  await warning.getByRole("button", { name: "Sort newest first" }).click();
  await expect(warning).toHaveCount(0);
  await expect(roleRow(page, 1).getByLabel("Company")).toHaveValue("NASA");
  await page.getByRole("button", { name: "Create candidate" }).click();
  await expect(page.locator(".profile .role .meta")).toHaveText(["Oct 1958 – May 1971", "Dec 1943 – Oct 1958"]);
});
