// The recruiter's app in a real browser against the real system: sign in by link, create
// and edit and delete candidates, generate Word and PDF with live progress and one
// automatic download, failure with Retry, Cancel, the polling fallback, a reload that finds
// the running job again, another user seeing nothing, phone-width screenshots, and an
// accessibility scan of every page.
import { readFile } from "node:fs/promises";

import { type Download, expect, type Page, test } from "@playwright/test";

import {
  awaitedJobs,
  documentText,
  edge,
  expectAccessible,
  failNextModelCalls,
  generate,
  makeCandidate,
  modelCalls,
  progressBar,
  setModelLatency,
  signIn,
  tokenFor,
  unique,
} from "./support";

function collectDownloads(page: Page): Download[] {
  const downloads: Download[] = [];
  page.on("download", (download) => downloads.push(download));
  return downloads;
}

/**
 * Exactly one download arrives (and no second one follows it); its bytes. No second one can
 * follow once the app has stopped awaiting the job (it saves only a job it awaits, and stops
 * awaiting it as it saves it) and the history has been read again with the job finished (the
 * last change the page makes to a finished job).
 */
async function theOneDownload(page: Page, downloads: Download[]): Promise<{ name: string; bytes: Buffer }> {
  await expect.poll(() => downloads.length).toBe(1);
  await expect.poll(() => awaitedJobs(page)).toEqual([]);
  await expect(page.locator("table.history tbody tr").first()).toContainText("Success");
  expect(downloads).toHaveLength(1);
  const download = downloads[0]!;
  return { name: download.suggestedFilename(), bytes: await readFile((await download.path())!) };
}

test.afterEach(async () => {
  await setModelLatency(0);
});

test("signs in through the #token link, which leaves the address bar", async ({ page }) => {
  await page.goto(edge());
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  await page.getByLabel("Access token").fill("not a token");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("That is not a token")).toBeVisible();

  const token = await signIn(page, unique("alice"));
  expect(page.url()).not.toContain("token");
  expect(await page.evaluate(() => sessionStorage.getItem("resume.token"))).toBe(token);
  await expect(page.getByRole("heading", { name: "Candidates" })).toBeVisible();
  await expectAccessible(page, "candidates");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem("resume.token"))).toBeNull();
});

test("a refused token ends the session with a message", async ({ page }) => {
  const user = unique("alice");
  await signIn(page, user);
  // A token signed with another key: the API answers 401, the app signs out.
  const forged = (await tokenFor(user)).replace(/\.[^.]+$/, ".c2lnbmF0dXJl");
  await page.evaluate((t) => sessionStorage.setItem("resume.token", t), forged);
  await page.reload();
  await expect(page.getByRole("alert")).toContainText("Your session has ended");
  expect(await page.evaluate(() => sessionStorage.getItem("resume.token"))).toBeNull();
});

test("creates a candidate in the form, adds a target job, and generates a PDF then a Word file", async ({ page }, testInfo) => {
  await signIn(page, unique("alice"));
  await page.getByRole("link", { name: "New candidate" }).click();
  await expect(page.getByRole("heading", { name: "New candidate" })).toBeVisible();

  // The form checks what the server would refuse, naming the field.
  await page.getByRole("button", { name: "Create candidate" }).click();
  await expect(page.getByLabel("Full name")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("E-mail").fill("ada-at-example");
  await page.getByLabel("E-mail").blur();
  await expect(page.getByText("An address like name@example.com")).toBeVisible();

  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("Location").fill("London, UK");
  await page.getByLabel("Headline").fill("Analytical engine programmer");
  await page.getByLabel("Summary").fill("Mathematician who wrote the first published algorithm.");
  await page.getByLabel("Skills").fill("Mathematics, Rust, PostgreSQL");
  await page.getByRole("button", { name: "Add a link" }).click();
  await page.getByLabel("Link 1 label").fill("GitHub");
  await page.getByLabel("Link 1 URL").fill("https://github.com/ada");

  // Two roles, entered in the wrong order and then reordered.
  for (const role of [
    { company: "Difference Works", title: "Assistant", start: "2018-03", end: "2019-12", highlights: "Tabulated polynomials" },
    { company: "Analytical Engines Ltd", title: "Programmer", start: "2020-01", end: "", highlights: "Translated Menabrea's memoir\nWrote the first algorithm" },
  ]) {
    await page.getByRole("button", { name: "Add a role" }).click();
    const row = page.locator(".row").filter({ has: page.getByRole("heading", { name: /^Role \d$/ }) }).last();
    await row.getByLabel("Company").fill(role.company);
    await row.getByLabel("Title").fill(role.title);
    await row.getByLabel("Start").fill(role.start);
    await row.getByLabel("End").fill(role.end);
    await row.getByLabel("Highlights").fill(role.highlights);
  }
  await page.getByRole("button", { name: "Move role 2 up" }).click();
  await page.getByRole("button", { name: "Add education" }).click();
  await page.getByLabel("Institution").fill("University of London");
  await page.getByLabel("Degree").fill("BSc");
  await page.getByRole("button", { name: "Add a certification" }).click();
  await page.getByRole("textbox", { name: "Certification 1", exact: true }).fill("Certified Engine Operator");
  await page.getByLabel("Year").fill("2021");
  await expectAccessible(page, "new candidate form");
  await page.getByRole("button", { name: "Create candidate" }).click();

  await expect(page.getByRole("heading", { name: "Ada Lovelace", level: 1 })).toBeVisible();
  const roles = page.locator(".profile .role h4");
  await expect(roles).toHaveText(["Programmer, Analytical Engines Ltd", "Assistant, Difference Works"]);

  await page.getByText("Add a target job").click();
  await page.getByLabel("Job title").fill("Backend Engineer");
  await page.getByLabel("Company", { exact: true }).last().fill("Babbage & Co");
  await page.getByLabel("Job description").fill("You will build services in Rust on PostgreSQL.");
  await page.getByRole("button", { name: "Add target job" }).click();
  await expect(page.getByLabel("Tailored to")).toContainText("Backend Engineer at Babbage & Co");

  const downloads = collectDownloads(page);
  await setModelLatency(300);
  await generate(page, "PDF", "Backend Engineer at Babbage & Co");
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  await expect(page.locator(".status-line")).toHaveText("Ready.");
  await expect(page.locator(".job-progress").getByRole("status")).toHaveText("Your resume is ready");
  const pdf = await theOneDownload(page, downloads);
  expect(pdf.name).toBe("Ada_Lovelace_Resume.pdf");
  expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(await documentText(pdf.bytes, "pdf")).toContain("Ada Lovelace");
  await expect(page.getByTitle("Preview of Ada_Lovelace_Resume.pdf")).toBeVisible();
  await expectAccessible(page, "candidate detail at success");
  await page.waitForTimeout(1000);
  await page.screenshot({ path: testInfo.outputPath("candidate-detail-desktop.png"), fullPage: true });

  await generate(page, "Word (.docx)", "Backend Engineer at Babbage & Co");
  await expect(page.getByRole("heading", { name: /Ada_Lovelace_Resume\.docx/ })).toBeVisible({ timeout: 30_000 });
  await expect(progressBar(page)).toHaveAttribute("value", "100");
  await expect.poll(() => downloads.length).toBe(2);
  const docx = downloads[1]!;
  expect(docx.suggestedFilename()).toBe("Ada_Lovelace_Resume.docx");
  const text = await documentText(await readFile((await docx.path())!), "docx");
  expect(text).toContain("Ada Lovelace");
  expect(text).toContain("Analytical Engines Ltd");

  // Both are in the history, each with its own Download button.
  const history = page.locator("table.history tbody tr");
  await expect(history).toHaveCount(2);
  await expect(history.first()).toContainText("Word");
  await history.nth(1).getByRole("button", { name: /^Download/ }).click();
  await expect.poll(() => downloads.length).toBe(3);
  expect(downloads[2]!.suggestedFilename()).toBe("Ada_Lovelace_Resume.pdf");
});

test("a failed job shows the server's message, Retry works once the model is fixed, then edit and regenerate", async ({ page }, testInfo) => {
  const token = await signIn(page, unique("bob"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  // The model refuses the key once (a permanent error: no automatic retry).
  await failNextModelCalls(401, 1);
  const downloads = collectDownloads(page);
  await generate(page, "Markdown", null);
  await expect(page.locator(".status-line")).toContainText("key", { timeout: 30_000 });
  await expect(page.getByRole("status")).toHaveText("Generation failed");
  const message = await page.locator(".status-line").textContent();
  expect(message).not.toContain("sk-test");
  await expectAccessible(page, "candidate detail at failure");
  expect(downloads).toHaveLength(0);

  await page.getByRole("button", { name: "Retry" }).click();
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  const file = await theOneDownload(page, downloads);
  expect(file.name).toBe("Grace_Hopper_Resume.md");
  expect(file.bytes.toString()).toContain("Grace Hopper");
  await expect(page.locator("table.history tbody tr")).toHaveCount(2);
  await expect(page.locator("table.history")).toContainText("Failure");

  // What it says: the model's wording over her facts, editable.
  await page.getByText("What it says").click();
  await expect(page.getByLabel("Headline")).toHaveValue("Model headline for the target");
  const bullet = page.getByLabel("Bullet 1 of Senior Mathematician, Remington Rand", { exact: true });
  await expect(bullet).toHaveValue("Rephrased: Wrote the A-0 compiler");
  await expectAccessible(page, "content editor");
  await page.locator(".content-editor").screenshot({ path: testInfo.outputPath("content-editor.png") });

  // Edit a bullet, drop the second role, and download the edit as a PDF: no model call.
  const before = await modelCalls();
  await bullet.fill("Led the team that wrote the A-0 compiler");
  await page.getByRole("button", { name: "Remove role 2" }).click();
  await page.getByRole("group", { name: "Download the edited resume" }).getByRole("button", { name: "PDF" }).click();
  await expect(page.getByRole("heading", { name: /Grace_Hopper_Resume_edited\.pdf/ })).toBeVisible({ timeout: 30_000 });
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  await expect.poll(() => downloads.length).toBe(2);
  expect(downloads[1]!.suggestedFilename()).toBe("Grace_Hopper_Resume_edited.pdf");
  const edited = await documentText(await readFile((await downloads[1]!.path())!), "pdf");
  expect(edited).toContain("Led the team that wrote the A-0 compiler");
  expect(edited).not.toContain("Rear Admiral");
  expect(await modelCalls()).toBe(before);

  // Regenerate: a new variant past the cache (two more model calls), saved once more.
  await page.getByRole("button", { name: "Regenerate" }).click();
  await expect(page.locator("table.history tbody tr")).toHaveCount(4);
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  await expect.poll(() => downloads.length).toBe(3);
  expect(await modelCalls()).toBe(before + 2);
  // Newest first: the new PDF, the edit, the Markdown retried, the Markdown that failed.
  await expect(page.locator("table.history tbody td:nth-child(2)")).toHaveText(["Generated", "Edited", "Generated", "Generated"]);
});

test("Cancel ends a slow job as CANCELLED", async ({ page }) => {
  const token = await signIn(page, unique("carol"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await setModelLatency(60_000);
  await generate(page, "Plain text", "Staff Engineer at Compilers Inc");
  await expect(page.getByRole("status")).toHaveText("Started", { timeout: 20_000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator(".status-line")).toHaveText("Cancelled.");
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  const status = await page.evaluate(async () => {
    const token = sessionStorage.getItem("resume.token");
    const id = new URL(location.href).searchParams.get("job");
    const response = await fetch(`/api/resume-async/job-status/${id}`, { headers: { Authorization: `Bearer ${token}` } });
    return ((await response.json()) as { status: string }).status;
  });
  expect(status).toBe("CANCELLED");
});

test("progress survives a reload (the running job is found again) and downloads once", async ({ page }) => {
  const token = await signIn(page, unique("dave"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await setModelLatency(4000);
  await generate(page, "Word (.docx)", null);
  await expect(page.getByRole("status")).toHaveText("Started", { timeout: 20_000 });
  // Back to the bare candidate page: the job is found again from my-jobs.
  await page.goto(`${edge()}/candidates/${id}`);
  const downloads = collectDownloads(page);
  await expect(progressBar(page)).toBeVisible();
  await expect(page.getByRole("status")).not.toHaveText("Your resume is ready");
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  const file = await theOneDownload(page, downloads);
  expect(file.name).toBe("Grace_Hopper_Resume.docx");
  // Reloading a finished job's page shows it, and its history, without saving it again.
  await page.reload();
  await expect(progressBar(page)).toHaveAttribute("value", "100");
  await expect(page.getByRole("button", { name: "Download Grace_Hopper_Resume.docx", exact: true })).toBeVisible();
  await expect(page.locator("table.history tbody tr").first()).toContainText("Success");
  expect(await awaitedJobs(page)).toEqual([]);
  expect(downloads).toHaveLength(1);
});

test("when the event stream fails, progress is polled to the end", async ({ page }) => {
  const token = await signIn(page, unique("erin"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.route("**/api/resume-async/job-events/**", (route) => route.abort());
  await page.goto(`${edge()}/candidates/${id}`);
  await setModelLatency(3000);
  const downloads = collectDownloads(page);
  await generate(page, "PDF", null);
  await expect(page.getByText("Live updates unavailable; checking every 2 seconds.")).toBeVisible();
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  expect((await theOneDownload(page, downloads)).name).toBe("Grace_Hopper_Resume.pdf");
});

test("at phone width: mid-progress and success, screenshots kept", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const token = await signIn(page, unique("frank"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await setModelLatency(5000);
  await generate(page, "PDF", "Staff Engineer at Compilers Inc");
  await expect(page.getByRole("status")).toHaveText("Started", { timeout: 20_000 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: testInfo.outputPath("candidate-detail-progress-375.png") });
  await expectAccessible(page, "candidate detail mid-progress");
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  // Focus moved to the job on submit, so it is in view.
  await expect(page.locator(".job-progress h2")).toBeFocused();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: testInfo.outputPath("candidate-detail-success-375.png") });
});

test("works by keyboard alone: skip link, choose a format, Generate, and the job takes focus", async ({ page }) => {
  const token = await signIn(page, unique("kim"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  // Tab to the format radios, move to PDF with the arrow keys, then on to Generate.
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute("value") ?? document.activeElement?.textContent);
  for (let i = 0; i < 20 && (await focused()) !== "word"; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("radio", { name: "PDF" })).toBeChecked();
  for (let i = 0; i < 5 && (await focused()) !== "Generate"; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.locator(".job-progress h2")).toBeFocused();
  await expect(progressBar(page)).toHaveAttribute("value", "100", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Download Grace_Hopper_Resume.pdf", exact: true })).toBeVisible();
});

test("edits and deletes a candidate; what is deleted is gone", async ({ page }) => {
  const token = await signIn(page, unique("gina"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByLabel("Full name")).toHaveValue("Grace Hopper");
  await expectAccessible(page, "edit candidate");
  await page.getByLabel("Full name").fill("Grace Brewster Hopper");
  await page.getByRole("button", { name: "Remove role 2" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Grace Brewster Hopper", level: 1 })).toBeVisible();
  await expect(page.locator(".profile .role")).toHaveCount(1);

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("heading", { name: "Candidates" })).toBeVisible();
  await expect(page.getByText("Grace Brewster Hopper")).toHaveCount(0);
  await page.goto(`${edge()}/candidates/${id}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expectAccessible(page, "not found");
});

test("another user sees none of a user's candidates", async ({ page }) => {
  const tokenA = await tokenFor(unique("henry"));
  const { id } = await makeCandidate(tokenA, "Grace Hopper");
  await signIn(page, unique("irene"));
  await expect(page.getByText("No candidates yet.")).toBeVisible();
  await page.goto(`${edge()}/candidates/${id}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.getByText("Grace Hopper")).toHaveCount(0);
});
