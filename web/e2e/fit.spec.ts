// "Fit to the posting" beside a finished resume: the score and the key terms listed under
// headings (held but not shown, missing, shown), at phone width, accessible; an edit that
// shows one more term raises the score. A screenshot of the panel is kept.
import { expect, test } from "@playwright/test";

import { edge, expectAccessible, generate, signIn, unique } from "./support";

/** Ten tools, each named once. */
const POSTING = "We run Rust, Go, PostgreSQL, Kubernetes, Docker, Terraform, Kafka, Redis, GraphQL and React in production.";

/** A candidate with four of the posting's tools as skills and two more in the summary (which the fake model rewrites). */
async function makePlatformEngineer(token: string): Promise<number> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const candidate = {
    full_name: "Grace Hopper",
    summary: "Platform engineer who automates with Terraform and streams events through Kafka.",
    skills: ["Rust", "Go", "PostgreSQL", "Kubernetes"],
    experience: [
      { company: "Harbor Systems", title: "Platform Engineer", start: "2021-02", highlights: ["Moved the billing services to a new cluster"] },
    ],
  };
  const created = await fetch(`${edge()}/api/candidates`, { method: "POST", headers, body: JSON.stringify(candidate) });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: number };
  const target = { title: "Platform Engineer", company: "Compilers Inc", description: POSTING };
  const job = await fetch(`${edge()}/api/candidates/${id}/jobs`, { method: "POST", headers, body: JSON.stringify(target) });
  expect(job.status).toBe(201);
  return id;
}

test("a finished resume shows its fit to the posting, and an edit that adds a term raises it", async ({ page }, testInfo) => {
  const token = await signIn(page, unique("fit"));
  const id = await makePlatformEngineer(token);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${edge()}/candidates/${id}`);
  await generate(page, "Plain text", "Platform Engineer at Compilers Inc");
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });

  const fit = page.getByRole("region", { name: "Fit to the posting" });
  await expect(fit.getByRole("strong")).toHaveText("40%");
  await expect(fit).toContainText("40% of the posting's 10 key terms are on this resume (4 shown). 60% if the 2 held but not shown were added.");
  await expect(fit.getByRole("meter", { name: "Share of the posting's key terms on this resume" })).toHaveAttribute("value", "40");
  const list = (title: string) => fit.getByRole("list", { name: title });
  await expect(list("Held but not shown (2)").getByRole("listitem")).toHaveText(["Terraform", "Kafka"]);
  await expect(fit.getByText("In the candidate's data but not on this resume.")).toBeVisible();
  await expect(list("Missing (4)").getByRole("listitem")).toHaveText(["Docker", "Redis", "GraphQL", "React"]);
  await expect(list("Shown (4)").getByRole("listitem")).toHaveText(["Rust", "Go", "PostgreSQL", "Kubernetes"]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await expectAccessible(page, "fit to the posting at 375 px");
  await fit.screenshot({ path: testInfo.outputPath("fit-to-the-posting-375.png") });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator(".panel", { has: fit }).screenshot({ path: testInfo.outputPath("fit-to-the-posting-1280.png") });

  // Show Terraform in the summary and download the edit: its own report, one more shown.
  await page.getByText("What it says").click();
  await page.getByLabel("Summary", { exact: true }).fill("Platform engineer who automates with Terraform.");
  await page.getByRole("group", { name: "Download the edited resume" }).getByRole("button", { name: "Text" }).click();
  await expect(page.getByRole("heading", { name: /Grace_Hopper_Resume_edited\.txt/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  await expect(fit).toContainText("50% of the posting's 10 key terms are on this resume (5 shown).");
  await expect(list("Held but not shown (1)").getByRole("listitem")).toHaveText(["Kafka"]);
});

test("a general resume shows no fit panel", async ({ page }) => {
  const token = await signIn(page, unique("fit-general"));
  const id = await makePlatformEngineer(token);
  await page.goto(`${edge()}/candidates/${id}`);
  await generate(page, "Plain text", null);
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: /^Download Grace_Hopper_Resume/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Fit to the posting" })).toHaveCount(0);
});
