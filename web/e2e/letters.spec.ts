// Cover letters and anonymised documents in the browser: choose "Cover letter" on the
// candidate's page, get a letter addressed to the target's company, edit a paragraph and
// download it again (an invented name is refused, naming the paragraph); an anonymised
// resume downloads under "Candidate G.H." with no name or contact in it.
import { readFile } from "node:fs/promises";

import { expect, test } from "@playwright/test";

import { besideItsWords, documentText, edge, expectAccessible, makeCandidate, signIn, unique } from "./support";

test("a cover letter is generated for the target's company, edited and downloaded again", async ({ page }) => {
  const token = await signIn(page, unique("letters"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await page.getByRole("radio", { name: "Cover letter" }).check();
  await page.getByLabel("Addressed to").selectOption({ label: "Staff Engineer at Compilers Inc" });
  await page.getByRole("radio", { name: "PDF" }).check();
  const first = page.waitForEvent("download");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(page.getByRole("progressbar", { name: "Cover letter progress" })).toHaveAttribute("value", "100", {
    timeout: 30_000,
  });
  const letter = await first;
  expect(letter.suggestedFilename()).toBe("Grace_Hopper_Cover_Letter.pdf");
  const text = await documentText(await readFile((await letter.path())!), "pdf");
  expect(text).toContain("Dear Compilers Inc hiring team,");
  expect(text).toContain("Grace Hopper");
  await expect(page.locator("table.history tbody tr").first()).toContainText("Cover letter");

  await page.getByText("What it says").click();
  await expect(page.getByLabel("Greeting")).toHaveValue("Dear Compilers Inc hiring team,");
  await expectAccessible(page, "letter editor");
  const opening = page.getByLabel("Paragraph 1", { exact: true });
  const group = page.getByRole("group", { name: "Download the edited cover letter" });

  // A name the candidate's data lacks is refused, naming the paragraph.
  await opening.fill("At Globex I would lead the compiler team.");
  await group.getByRole("button", { name: "PDF" }).click();
  await expect(page.getByText("content.paragraphs[0] names \"Globex\", which is not in the candidate's data")).toBeVisible();

  await opening.fill("I would like to lead the compiler team at Compilers Inc.");
  const edited = page.waitForEvent("download");
  await group.getByRole("button", { name: "PDF" }).click();
  const download = await edited;
  expect(download.suggestedFilename()).toBe("Grace_Hopper_Cover_Letter_edited.pdf");
  const editedText = await documentText(await readFile((await download.path())!), "pdf");
  expect(editedText.replace(/\s+/g, " ")).toContain("I would like to lead the compiler team at Compilers Inc.");
});

test("an anonymised resume names the candidate by initials only, in the file and its name", async ({ page }) => {
  const token = await signIn(page, unique("agency"));
  const { id } = await makeCandidate(token, "Grace Hopper");
  await page.goto(`${edge()}/candidates/${id}`);
  await page.getByRole("radio", { name: "Resume" }).check();
  const anonymise = page.getByLabel(/Anonymise/);
  expect(await besideItsWords(anonymise), "the Anonymise box is beside its words").toBe(true);
  await anonymise.check();
  await page.getByRole("radio", { name: "Word (.docx)" }).check();
  const saved = page.waitForEvent("download");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe("Candidate_G_H_Resume.docx");
  const text = await documentText(await readFile((await download.path())!), "docx");
  expect(text).toContain("Candidate G.H.");
  expect(text).toContain("Remington Rand");
  for (const secret of ["Grace", "Hopper", "grace@example.com", "Arlington"]) expect(text).not.toContain(secret);
  await expect(page.locator("table.history tbody tr").first()).toContainText("Resume, anonymised");
});
