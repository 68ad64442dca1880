// What it costs, in the browser (issue 24): a recruiter's Usage page sums their jobs, the
// batch form shows the estimate before the batch starts and the batch page its cost after;
// the console lists spenders, lets an admin give one a budget, and lists recent batches.
import { expect, test } from "@playwright/test";

import { expectAccessible, jobStatus, makeCandidate, signIn, submitJob, unique } from "./support";

/** The fake model's usage (2 calls of 120 + 30 tokens) at the harness's prices. */
const PER_RESUME = "$0.0006";

test("usage, a batch's estimate before it starts and its cost after, and the console's spending", async ({ page }) => {
  test.setTimeout(120_000);
  const user = unique("spender");
  const token = await signIn(page, user);
  const first = await makeCandidate(token, "Ada Lovelace");
  const job = await submitJob(token, first.id);
  await expect.poll(() => jobStatus(token, job), { timeout: 60_000 }).toBe("SUCCESS");

  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  const figure = (label: string) => page.locator(".figures div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) }).locator("dd");
  await expect(figure("Cost")).toHaveText(PER_RESUME);
  await expect(figure("Written anew")).toHaveText("1");
  await expect(figure("Prompt tokens")).toHaveText("240");
  await expect(figure("Average per resume")).toHaveText(PER_RESUME);
  await expect(page.getByText(/No monthly budget · \$0\.0006 spent this month/)).toBeVisible();
  await expectAccessible(page, "usage page");

  // Two more candidates, selected for a batch: the estimate shows before anything starts.
  for (const name of ["Grace Hopper", "Alan Turing"]) await makeCandidate(token, name);
  await page.getByRole("link", { name: "Resumes" }).click();
  await page.reload();
  await expect(page.getByLabel(/^Select (?!all on)/)).toHaveCount(3);
  await page.getByLabel("Select Grace Hopper").check();
  await page.getByLabel("Select Alan Turing").check();
  await page.getByRole("button", { name: "Generate for an opening…" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Estimated cost: $0.0012 (2 × $0.0006)." })).toBeVisible();
  await expectAccessible(page, "batch form with its estimate");
  await page.getByLabel("Title").fill("Staff Engineer");
  await page.getByLabel("Company").fill("Analytical Engines");
  await page.getByLabel("Location").fill("London, UK");
  await page.getByLabel("Description").fill("Lead a team building compilers and services.");
  await page.getByRole("button", { name: "Create opening and generate" }).click();
  await expect(page).toHaveURL(/\/batches\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("status").filter({ hasText: "2 of 2 done" })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Estimated $0.0012 · cost $0.0012")).toBeVisible();

  // The console: this user among the spenders; an admin gives them a budget of their own.
  const admin = unique("admin");
  await signIn(page, admin, ["admin"]);
  await page.getByRole("link", { name: "Console" }).click();
  const row = page.locator(`tr[data-owner="${user}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('td[data-label="Cost"]')).toHaveText("$0.0018");
  await row.getByLabel(`Monthly budget of ${user} in USD`).fill("5");
  await row.getByRole("button", { name: `Set the budget of ${user}` }).click();
  await expect(row.locator('td[data-label="This month"]')).toHaveText("$0.0018 of $5.00 (own)");
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Recent batches" }) }).getByText(user)).toBeVisible();
  // Any user, spent or not, by id.
  const newcomer = unique("newcomer");
  await page.getByText("Set any user's budget").click();
  await page.getByLabel("User id").fill(newcomer);
  await page.getByLabel("Monthly budget (USD, 0: none)").fill("2.5");
  await page.getByRole("button", { name: "Set budget" }).click();
  await expect(page.getByRole("status").filter({ hasText: newcomer })).toContainText("$0.00 of $2.50 spent this month (a budget set by an admin)");
  await expectAccessible(page, "console dashboard with spending");
});
