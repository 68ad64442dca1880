// Every page of the app and of the console, at phone width (375 px) and on a desktop
// (1280 px), each with something on it (a candidate, a finished and a failed job, operator
// actions): nothing is wider than the window, axe finds nothing serious, and a screenshot
// of each is kept (test-results/…/<page>-<width>.png).
import { expect, type Page, test } from "@playwright/test";

import {
  edge,
  expectAccessible,
  failNextModelCalls,
  jobStatus,
  makeCandidate,
  signIn,
  submitJob,
  tokenFor,
  unique,
} from "./support";

interface Route {
  name: string;
  path: string;
  /** Waits until the page shows what it is for; may open what is folded. */
  ready: (page: Page) => Promise<void>;
}

/** The elements wider than the window (none when the page fits), named for the message. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .slice(0, 8)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} "${(element.textContent ?? "").slice(0, 30)}"`)
      .concat(`scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
  });
}

async function waitForStatus(token: string, jobId: string, status: string) {
  await expect.poll(() => jobStatus(token, jobId), { timeout: 30_000 }).toBe(status);
}

test("every page fits 375 px, passes axe, and is kept as a screenshot at 375 and 1280 px", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const user = unique("operator");
  const token = await tokenFor(user, ["admin"]);
  const { id } = await makeCandidate(token, "Grace Hopper");
  const done = await submitJob(token, id, { fresh: true, file_type: "pdf" });
  await waitForStatus(token, done, "SUCCESS");
  await failNextModelCalls(401, 1);
  const failed = await submitJob(token, id, { fresh: true, file_type: "text" });
  await waitForStatus(token, failed, "FAILURE");
  // An operator action of each kind in the audit log.
  for (const action of ["pause", "resume"]) {
    const response = await fetch(`${edge()}/api/admin/queues/priority_high/${action}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  }

  // An import read into a draft waiting for review.
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const text = "Grace Hopper\ngrace@example.com\n\nExperience\nRear Admiral, US Navy · 1967 – 1986\n- Standardised COBOL";
  const created = await fetch(`${edge()}/api/candidates/imports`, { method: "POST", headers, body: JSON.stringify({ text }) });
  expect(created.status).toBe(202);
  const { import_id: importId } = (await created.json()) as { import_id: string };
  await expect
    .poll(async () => {
      const found = await fetch(`${edge()}/api/candidates/imports/${importId}`, { headers });
      return ((await found.json()) as { status: string }).status;
    })
    .toBe("SUCCESS");

  // An opening with a batch of one candidate (of their own: the history above counts two
  // jobs), which ends.
  const shortlisted = await makeCandidate(token, "Alan Turing");
  const opening = { title: "Compiler Lead", company: "Navy Labs", location: "Arlington, VA", description: "Lead the compiler team." };
  const madeOpening = await fetch(`${edge()}/api/openings`, { method: "POST", headers, body: JSON.stringify(opening) });
  expect(madeOpening.status).toBe(201);
  const openingId = ((await madeOpening.json()) as { id: number }).id;
  const batchBody = JSON.stringify({ candidate_ids: [shortlisted.id], file_type: "pdf" });
  const madeBatch = await fetch(`${edge()}/api/openings/${openingId}/batches`, { method: "POST", headers, body: batchBody });
  expect(madeBatch.status).toBe(202);
  const batchId = ((await madeBatch.json()) as { batch_id: string }).batch_id;
  await expect
    .poll(async () => {
      const found = await fetch(`${edge()}/api/batches/${batchId}`, { headers });
      return ((await found.json()) as { counts: { succeeded: number } }).counts.succeeded;
    })
    .toBe(1);

  const heading = (page: Page, name: string | RegExp) => expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const routes: Route[] = [
    { name: "candidates", path: "/", ready: (p) => heading(p, "Candidates") },
    { name: "candidate-new", path: "/candidates/new", ready: (p) => heading(p, "New candidate") },
    {
      name: "candidate",
      path: `/candidates/${id}?job=${done}`,
      ready: async (p) => {
        await heading(p, "Grace Hopper");
        await expect(p.getByTitle(/^Preview of/)).toBeVisible();
        await expect(p.locator("table.history tbody tr")).toHaveCount(2);
        // The history has the page's width: no column scrolled out of its card.
        const clipped = await p.locator(".table-wrap").evaluate((wrap) => wrap.scrollWidth > wrap.clientWidth + 1);
        expect(clipped, "the history table scrolls sideways").toBe(false);
        await p.getByText("What it says").click();
        await expect(p.getByLabel("Headline")).not.toHaveValue("");
      },
    },
    { name: "candidate-edit", path: `/candidates/${id}/edit`, ready: (p) => expect(p.getByLabel("Full name")).toHaveValue("Grace Hopper") },
    { name: "import", path: "/candidates/import", ready: (p) => heading(p, "Import candidates") },
    { name: "import-review", path: `/candidates/import/${importId}`, ready: (p) => heading(p, "Review Grace Hopper") },
    {
      name: "openings",
      path: "/openings",
      ready: async (p) => {
        await heading(p, "Openings");
        await expect(p.getByRole("link", { name: "Batch of 1" })).toBeVisible();
      },
    },
    { name: "batch", path: `/batches/${batchId}`, ready: (p) => expect(p.getByRole("status").filter({ hasText: "1 of 1 done" })).toBeVisible() },
    {
      name: "usage",
      path: "/usage",
      ready: async (p) => {
        await heading(p, "Usage");
        await expect(p.getByText(/spent this month/)).toBeVisible();
      },
    },
    { name: "not-found", path: "/nowhere", ready: (p) => heading(p, "Not found") },
    // A mistyped link to a batch or an import is a missing page, not the API's words.
    { name: "batch-not-found", path: "/batches/doesnotexist", ready: (p) => heading(p, "Not found") },
    { name: "import-not-found", path: "/candidates/import/doesnotexist", ready: (p) => heading(p, "Not found") },
    {
      name: "console-dashboard",
      path: "/monitor",
      ready: async (p) => {
        await heading(p, "Dashboard");
        await expect(p.locator("figure.chart canvas")).toHaveCount(3);
        await expect(p.locator('tr[data-queue="resume_generation"]')).toBeVisible();
        await expect(p.locator(`tr[data-owner="${user}"]`)).toBeVisible();
        await expect(p.locator(`tr[data-batch="${batchId}"]`)).toBeVisible();
      },
    },
    { name: "console-jobs", path: `/monitor/jobs?owner=${user}`, ready: (p) => expect(p.locator(`tr[data-job="${done}"]`)).toBeVisible() },
    {
      name: "console-job",
      path: `/monitor/jobs/${failed}`,
      ready: async (p) => {
        await heading(p, /^Job/);
        await expect(p.locator(".timeline .event-kind").last()).toHaveText("Failed");
      },
    },
    { name: "console-errors", path: "/monitor/errors", ready: (p) => expect(p.getByRole("row").filter({ hasText: "model_refused" }).first()).toBeVisible() },
    { name: "console-workers", path: "/monitor/workers", ready: (p) => expect(p.getByRole("heading", { name: /Workers \(1 live/ })).toBeVisible() },
    { name: "console-audit", path: "/monitor/audit", ready: (p) => expect(p.getByRole("row").filter({ hasText: user }).first()).toBeVisible() },
  ];

  await signIn(page, user, ["admin"]);
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    for (const route of routes) {
      await page.goto(`${edge()}${route.path}`);
      await route.ready(page);
      expect(await overflowing(page), `${route.name} at ${width} px`).toEqual([]);
      if (width === 375) await expectAccessible(page, route.name);
      await page.screenshot({ path: testInfo.outputPath(`${route.name}-${width}.png`), fullPage: true });
    }
  }

  // Signed out, the sign-in page.
  await page.getByRole("button", { name: "Sign out" }).click();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await heading(page, "Sign in");
    expect(await overflowing(page), `sign-in at ${width} px`).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`sign-in-${width}.png`), fullPage: true });
  }
  await expectAccessible(page, "sign-in");
});
