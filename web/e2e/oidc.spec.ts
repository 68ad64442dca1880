// OpenID Connect sign-in in Chromium against the real provider global-setup started
// (tests/oidc/provider.mjs): the authorization code flow with PKCE through the provider's
// own login page, landing signed in with the provider's roles; an expired code and a
// replayed callback (its state already used) are refused with a message saying so.
import { expect, type Page, test } from "@playwright/test";

import { edge, expectAccessible, makeCandidate, unique } from "./support";

const issuer = () => {
  const value = process.env.OIDC_ISSUER;
  if (!value) throw new Error("OIDC_ISSUER is not set: run through playwright.config.ts (global setup)");
  return value;
};

/** Clicks "Sign in with <issuer>" and signs in as `login` on the provider's pages; the
 * authorization request the app sent. */
async function signInAtProvider(page: Page, login: string): Promise<URL> {
  await page.goto(edge());
  const authorization = page.waitForRequest((request) => request.url().startsWith(`${issuer()}/auth?`));
  await page.getByRole("button", { name: `Sign in with ${new URL(issuer()).host}` }).click();
  const request = new URL((await authorization).url());
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // Native clients confirm every authorization.
  await page.getByRole("button", { name: "Continue" }).click();
  return request;
}

test("a recruiter signs in with the OpenID Connect issuer (code + PKCE) and lists their candidates", async ({ page }) => {
  await page.goto(edge());
  await expectAccessible(page, "sign-in with an issuer");
  const tokenRequest = page.waitForRequest((request) => request.url() === `${issuer()}/token`);
  const callback = page.waitForURL((url) => url.pathname === "/auth/callback");
  const user = unique("rita");
  const authorization = await signInAtProvider(page, user);
  const query = authorization.searchParams;
  expect(query.get("client_id")).toBe("resume-web");
  expect(query.get("response_type")).toBe("code");
  expect(query.get("code_challenge_method")).toBe("S256");
  expect(query.get("code_challenge")).toMatch(/^[\w-]{43}$/);
  expect(query.get("state")).toBeTruthy();
  expect(query.get("nonce")).toBeTruthy();
  expect(query.get("redirect_uri")).toBe(`${edge()}/auth/callback`);
  await callback;
  // The code was exchanged from the browser with its verifier (a public client: no secret).
  const exchange = new URLSearchParams((await tokenRequest).postData() ?? "");
  expect(exchange.get("grant_type")).toBe("authorization_code");
  expect(exchange.get("code_verifier")).toMatch(/^[\w-]{43,128}$/);

  await expect(page.getByText(`Signed in as ${user}`)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Candidates" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/");
  // No role at the provider: no console.
  await expect(page.getByRole("link", { name: "Console" })).toHaveCount(0);

  // The provider's access token is the bearer token the API accepts.
  const token = await page.evaluate(() => sessionStorage.getItem("resume.token"));
  expect(token).toBeTruthy();
  await makeCandidate(token ?? "", "Grace Hopper");
  await page.reload();
  await expect(page.getByRole("link", { name: "Grace Hopper" })).toBeVisible();
});

test("the provider's roles open the console", async ({ page }) => {
  await signInAtProvider(page, "olivia-ops");
  await expect(page.getByText("Signed in as olivia-ops")).toBeVisible();
  await page.getByRole("link", { name: "Console" }).click();
  // The console's reads answer (the server took the roles from the provider's token).
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Workers \(1 live\)/ })).toBeVisible();
});

test("an expired sign-in code is refused with a message", async ({ page }) => {
  // The code expires between the redirect back and its exchange.
  await page.route(`${issuer()}/token`, async (route) => {
    await fetch(`${issuer()}/test/expire-codes`, { method: "POST" });
    await route.continue();
  });
  await signInAtProvider(page, unique("rita"));
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("refused the sign-in code: it has expired or was already used");
  await expect(page.getByText(/Signed in as/)).toHaveCount(0);
  await expectAccessible(page, "sign-in refused");
  await page.getByRole("link", { name: "Back to sign-in" }).click();
  await expect(page.getByRole("button", { name: `Sign in with ${new URL(issuer()).host}` })).toBeVisible();
});

test("a replayed callback (its state already used) is refused with a message", async ({ page }) => {
  const callback = page.waitForRequest((request) => new URL(request.url()).pathname === "/auth/callback");
  const user = unique("rita");
  await signInAtProvider(page, user);
  const callbackUrl = (await callback).url();
  await expect(page.getByText(`Signed in as ${user}`)).toBeVisible();

  // The same response again: its state was taken by the first, so nothing is exchanged.
  let exchanged = false;
  await page.route(`${issuer()}/token`, async (route) => {
    exchanged = true;
    await route.continue();
  });
  await page.goto(callbackUrl);
  await expect(page.getByRole("alert")).toContainText("This sign-in response was already used");
  expect(exchanged).toBe(false);
});
