// A batch in the browser (issue 24): five candidates selected on the list, a new opening
// written in place, the batch followed live to its end, and its ZIP downloaded and opened.
import { readFile } from "node:fs/promises";

import { expect, test } from "@playwright/test";

import { besideItsWords, documentText, edge, expectAccessible, makeCandidate, setModelLatency, signIn, tokenFor, unique } from "./support";

/** The entries of a ZIP whose entries are stored (not compressed), by name. */
function storedEntries(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end, "an end of central directory").toBeGreaterThanOrEqual(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    expect(zip.readUInt32LE(at), "a central directory entry").toBe(0x02014b50);
    expect(zip.readUInt16LE(at + 10), "stored").toBe(0);
    const size = zip.readUInt32LE(at + 20);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.set(name, zip.subarray(data, data + size));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

test("five candidates selected, a batch for a new opening followed to its end, and its ZIP opened", async ({ page }) => {
  test.setTimeout(120_000);
  const user = unique("shortlist");
  const token = await signIn(page, user);
  const names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"];
  for (const name of names) await makeCandidate(token, name);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Candidates" })).toBeVisible();
  await expect(page.getByLabel(/^Select (?!all on)/)).toHaveCount(5);
  for (const box of [page.getByLabel("Select all on this page"), page.getByLabel(/^Select (?!all on)/).first()]) {
    expect(await besideItsWords(box), "a selection box is beside its words").toBe(true);
  }
  await page.getByLabel("Select all on this page").check();
  await expect(page.getByText("5 selected")).toBeVisible();
  await page.getByRole("button", { name: "Generate for an opening…" }).click();

  // No opening yet: it is written here.
  await page.getByLabel("Title").fill("Staff Engineer");
  await page.getByLabel("Company").fill("Analytical Engines");
  await page.getByLabel("Location").fill("London, UK");
  await page.getByLabel("Description").fill("Lead a team building compilers in COBOL, and services on Kubernetes.");
  await page.getByRole("radio", { name: "PDF" }).check();
  // Slow enough that the page opens on a batch still running, and follows it live.
  await setModelLatency(300);
  await page.getByRole("button", { name: "Create opening and generate" }).click();

  await expect(page).toHaveURL(/\/batches\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("status").filter({ hasText: /[0-4] of 5 done/ })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "5 of 5 done" })).toBeVisible({ timeout: 60_000 });
  await setModelLatency(0);
  for (const name of names) await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Batch for Staff Engineer at Analytical Engines" })).toBeVisible();
  await expectAccessible(page, "batch");

  // Each row's fit is its resume's match report score (read from the match report's own route).
  const batchId = page.url().split("/").pop()!;
  const headers = { Authorization: `Bearer ${token}` };
  const batch = (await (await fetch(`${edge()}/api/batches/${batchId}`, { headers })).json()) as {
    items: { candidate_name: string; job: { job_id: string } }[];
  };
  for (const item of batch.items) {
    const report = (await (await fetch(`${edge()}/api/resume-async/match/${item.job.job_id}`, { headers })).json()) as { score: number };
    expect(report.score, "the posting names COBOL and Kubernetes").toBeGreaterThan(0);
    const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: item.candidate_name }) });
    await expect(row).toContainText(`Fit ${report.score}%`);
  }

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download all (ZIP)" }).click();
  const zip = await readFile((await (await download).path())!);
  const entries = storedEntries(zip);
  expect([...entries.keys()].sort()).toEqual([...names.map((name) => `${name.replace(/ /g, "_")}_Resume.pdf`), "manifest.csv"].sort());
  const manifest = entries.get("manifest.csv")!.toString("utf8");
  for (const name of names) expect(manifest).toContain(`${name},SUCCESS,${name.replace(/ /g, "_")}_Resume.pdf,`);
  expect(await documentText(entries.get("Grace_Hopper_Resume.pdf")!, "pdf")).toContain("Grace Hopper");

  // The opening lists its batch.
  await page.goto(`${edge()}/openings`);
  await expect(page.getByRole("heading", { level: 2, name: "Staff Engineer" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Batch of 5" })).toBeVisible();
});

test("a batch waiting in a paused queue says so, and counts its items as waiting", async ({ page }, testInfo) => {
  const token = await signIn(page, unique("waiter"));
  const admin = await tokenFor(unique("admin"), ["admin"]);
  const queue = (action: "pause" | "resume") =>
    fetch(`${edge()}/api/admin/queues/resume_generation/${action}`, { method: "POST", headers: { Authorization: `Bearer ${admin}` } });
  expect((await queue("pause")).status).toBe(200);
  try {
    const { id } = await makeCandidate(token, "Ada Lovelace");
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const body = JSON.stringify({ items: [{ candidate_id: id }], file_type: "text" });
    const made = await fetch(`${edge()}/api/batches`, { method: "POST", headers, body });
    expect(made.status).toBe(202);
    const { batch_id: batchId } = (await made.json()) as { batch_id: string };
    await page.goto(`${edge()}/batches/${batchId}`);
    await expect(page.locator(".batch-totals")).toHaveText(/1 waiting · 0 running/);
    await expect(page.getByRole("status").filter({ hasText: "An operator has paused the queue" })).toBeVisible();
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: testInfo.outputPath(`batch-paused-${width}.png`), fullPage: true });
    }
    expect((await queue("resume")).status).toBe(200);
    await expect(page.locator(".batch-totals")).toHaveText(/^1 of 1 done/, { timeout: 60_000 });
  } finally {
    await queue("resume");
  }
});
