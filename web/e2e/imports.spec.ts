// Importing candidates in the browser: three files at once (a PDF this system made, a JSON
// Resume, a text file), each read with live progress; the drafts reviewed one after another
// (what was dropped is listed), each saved as a candidate; then a resume generated from one.
import { expect, test } from "@playwright/test";

import { edge, expectAccessible, generate, makeCandidate, signIn, submitJob, unique } from "./support";

/** The PDF of `candidate`'s resume, made by the system for `token`'s user. */
async function madePdf(token: string, candidate: number): Promise<Buffer> {
  const id = await submitJob(token, candidate, { file_type: "pdf" });
  const headers = { Authorization: `Bearer ${token}` };
  await expect
    .poll(async () => {
      const job = await fetch(`${edge()}/api/resume-async/job-status/${id}`, { headers });
      return ((await job.json()) as { status: string }).status;
    })
    .toBe("SUCCESS");
  const file = await fetch(`${edge()}/api/resume-async/download/${id}`, { headers });
  return Buffer.from(await file.arrayBuffer());
}

test("imports three files at once, reviews each draft, saves them and generates from one", async ({ page }, testInfo) => {
  const token = await signIn(page, unique("importer"));
  const made = await makeCandidate(token, "Grace Hopper");
  const pdf = await madePdf(token, made.id);
  const jsonResume = {
    basics: { name: "Linus Torvalds", email: "linus@example.org", label: "Kernel maintainer" },
    work: [{ name: "Linux Foundation", position: "Fellow", startDate: "2003-06", highlights: ["Maintains Linux"] }],
  };

  await page.getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Import candidates" })).toBeVisible();
  await expectAccessible(page, "import page");
  await page.getByLabel(/Drop resumes here, or choose files/).setInputFiles([
    { name: "grace.pdf", mimeType: "application/pdf", buffer: pdf },
    { name: "linus.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(jsonResume)) },
    { name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") },
  ]);
  const rows = page.locator(".import-row");
  await expect(rows).toHaveCount(3);
  // A file that cannot be read says why and offers the paste box.
  const broken = rows.filter({ hasText: "scan.pdf" });
  await expect(broken.getByRole("alert")).toContainText("scan.pdf");
  await broken.getByRole("button", { name: "Paste the text instead" }).click();
  await expect(page.getByLabel("Or paste a resume's text")).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath("import-1280.png"), fullPage: true });

  // The PDF's draft: read by the (fake) model, whose invented employer was dropped and is listed.
  await rows.filter({ hasText: "grace.pdf" }).getByRole("link", { name: /^Review/ }).click();
  await expect(page.getByRole("heading", { name: /^Review Grace Hopper/ })).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Grace Hopper");
  const warnings = page.getByRole("status").filter({ hasText: "Check before saving" });
  await expect(warnings).toContainText('"Invented Employer Ltd" is not in the file');
  // Each warning names its field in the form's words ("Role 2, Company"), not the API's path.
  await expect(warnings).toContainText("Experience: ");
  await expect(warnings).not.toContainText("[");
  await expect(page.getByText("1 more draft waiting after this one.")).toBeVisible();
  await expectAccessible(page, "import review");
  await page.screenshot({ path: testInfo.outputPath("import-review-1280.png"), fullPage: true });
  // A warning marked on its field does not hold the page: its links lead away, Back returns.
  await page.locator(".crumbs").getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Import candidates" })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("heading", { name: /^Review Grace Hopper/ })).toBeVisible();
  await page.getByRole("button", { name: "Save candidate" }).click();

  // Then the next draft, read exactly from the JSON Resume.
  await expect(page.getByRole("heading", { name: "Review Linus Torvalds" })).toBeVisible();
  await expect(page.getByLabel("E-mail")).toHaveValue("linus@example.org");
  await expect(page.getByLabel("Company")).toHaveValue("Linux Foundation");
  await page.getByRole("button", { name: "Save candidate" }).click();

  // The last one saved opens its candidate, ready to generate from.
  await expect(page.getByRole("heading", { name: "Linus Torvalds", level: 1 })).toBeVisible();
  await generate(page, "PDF", null);
  await expect(page.locator(".status-line")).toHaveText("Ready.", { timeout: 60_000 });
  await page.goto(`${edge()}/`);
  await expect(page.getByRole("link", { name: /Grace Hopper/ })).toHaveCount(2);
  await expect(page.getByRole("link", { name: /Linus Torvalds/ })).toHaveCount(1);
});

test("one resume pasted opens its form by itself, pre-filled, once it is read", async ({ page }) => {
  await signIn(page, unique("paster"));
  await page.getByRole("link", { name: "Import" }).click();
  await page
    .getByLabel("Or paste a resume's text")
    .fill(
      "Katherine Johnson\nkatherine@example.org\n\nEXPERIENCE\nMathematician, NASA\n1958 - 1986\n- Computed trajectories",
    );
  await page.getByRole("button", { name: "Read the text" }).click();
  await expect(page.getByRole("heading", { name: /^Review Katherine Johnson/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel("Full name")).toHaveValue("Katherine Johnson");
});
