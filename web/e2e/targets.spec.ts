// Target jobs edited in place (issue 27, item 6): from the keyboard, with the adding form's
// rules, Save and Cancel named for their job, and the edit stored (the next resume is
// tailored to it) while Cancel and Escape leave it as it was.
import { expect, test } from "@playwright/test";

import { edge, expectAccessible, makeCandidate, signIn, unique } from "./support";

test("a target job is edited in place from the keyboard, checked like a new one, and cancelled", async ({ page }) => {
  const token = await signIn(page, unique("tara"));
  const { id, targetId } = await makeCandidate(token, "Grace Hopper");
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const second = { title: "Architect", company: null, description: "Design the next machine." };
  const added = await fetch(`${edge()}/api/candidates/${id}/jobs`, { method: "POST", headers, body: JSON.stringify(second) });
  expect(added.status).toBe(201);
  await page.goto(`${edge()}/candidates/${id}`);

  // Each target's buttons are named for it.
  const targets = page.getByRole("region", { name: "Target jobs" });
  await targets.locator("summary", { hasText: "Staff Engineer" }).focus();
  await page.keyboard.press("Enter");
  await targets.locator("summary", { hasText: "Architect" }).click();
  await expect(targets.getByRole("button", { name: "Edit Architect", exact: true })).toBeVisible();
  await expect(targets.getByRole("button", { name: "Remove Architect", exact: true })).toBeVisible();
  const edit = targets.getByRole("button", { name: "Edit Staff Engineer at Compilers Inc", exact: true });
  await expect(targets.getByRole("button", { name: "Remove Staff Engineer at Compilers Inc", exact: true })).toBeVisible();

  // Open the form from the keyboard: the title takes the focus, filled with the current text.
  await edit.focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "Edit Staff Engineer at Compilers Inc" });
  const title = form.getByLabel("Job title");
  await expect(title).toBeFocused();
  await expect(title).toHaveValue("Staff Engineer");
  await expect(form.getByLabel("Company")).toHaveValue("Compilers Inc");
  await expect(form.getByLabel("Job description")).toHaveValue("Lead a compiler team.");
  await expectAccessible(page, "editing a target job");

  // The adding form's rules: a blank title is refused before anything is sent.
  await title.fill(" ");
  await form.getByRole("button", { name: "Save Staff Engineer at Compilers Inc" }).click();
  await expect(form.getByText("Required")).toBeVisible();
  await expect(title).toHaveAttribute("aria-invalid", "true");

  // Saved with Enter: the list, the choice in "Tailored to" and the API show the new text.
  await title.fill("Principal Engineer");
  await form.getByLabel("Company").fill("Babbage & Co");
  await form.getByLabel("Job description").fill("Services in Rust on PostgreSQL.");
  await title.press("Enter");
  await expect(form).toBeHidden();
  await expect(targets.locator("summary", { hasText: "Principal Engineer at Babbage & Co" })).toBeVisible();
  await expect(targets.getByRole("status").filter({ hasText: 'Saved "Principal Engineer at Babbage & Co"' })).toBeVisible();
  const renamed = targets.getByRole("button", { name: "Edit Principal Engineer at Babbage & Co", exact: true });
  await expect(renamed).toBeFocused();
  await expect(page.getByLabel("Tailored to").locator("option", { hasText: "Principal Engineer at Babbage & Co" })).toHaveCount(1);
  const stored = await fetch(`${edge()}/api/candidates/${id}/jobs`, { headers });
  const { jobs } = (await stored.json()) as { jobs: { id: number; title: string; company: string | null; description: string }[] };
  expect(jobs.find((job) => job.id === targetId)).toMatchObject({
    title: "Principal Engineer",
    company: "Babbage & Co",
    description: "Services in Rust on PostgreSQL.",
  });

  // Cancel, and Escape, leave it as it was and give the focus back to Edit.
  await renamed.press("Enter");
  const again = page.getByRole("form", { name: "Edit Principal Engineer at Babbage & Co" });
  await again.getByLabel("Job title").fill("Not this");
  await again.getByRole("button", { name: "Cancel editing Principal Engineer at Babbage & Co" }).press("Enter");
  await expect(again).toBeHidden();
  await expect(renamed).toBeFocused();
  await renamed.press("Enter");
  await again.getByLabel("Job title").fill("Nor this");
  await page.keyboard.press("Escape");
  await expect(again).toBeHidden();
  await expect(renamed).toBeFocused();
  await expect(targets.locator("summary", { hasText: "Principal Engineer at Babbage & Co" })).toBeVisible();
  await expect(targets.getByText("Not this")).toHaveCount(0);
});
