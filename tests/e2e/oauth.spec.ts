// An admin connects Google Calendar in a real browser: Connect → the fake Google consent page →
// Allow → back on the dashboard, Connected with the account's email → Disconnect → Connect again.
// Plus the "not configured" card, a declined consent, the token-refresh cron over HTTP, and no token
// in any page or server log line.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, BASE_URL, CRON_SECRET, FAKES_FILE, ROOT, SERVER_LOG } from "@/tests/e2e/env";
import { signedInRequest } from "@/tests/e2e/helpers";

async function signIn(page: Page) {
  await page.goto("/integrations");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/integrations/);
}

/** Every token the fake authorization servers issued so far. */
async function issuedTokens(): Promise<string[]> {
  const { oauth } = JSON.parse(fs.readFileSync(FAKES_FILE, "utf8")) as { oauth: string };
  return ((await (await fetch(`${oauth}/__fake/issued`)).json()) as { tokens: string[] }).tokens;
}

test("an admin connects Google Calendar through its consent page, disconnects it and can connect again", async ({ page }) => {
  await signIn(page);
  const card = page.getByTestId("integration-card-google-calendar");
  await expect(card.getByTestId("integration-status-google-calendar")).toHaveText(/Not connected/);

  await card.getByRole("link", { name: "Connect" }).click();
  // The fake Google consent page, on its own origin.
  await expect(page.getByRole("heading", { name: "Fake google consent" })).toBeVisible();
  await expect(page.getByTestId("fake-account")).toHaveText("ada@plugboard.test");
  await page.getByRole("button", { name: "Allow" }).click();

  await expect(page).toHaveURL(`${BASE_URL}/integrations`);
  await expect(page.getByTestId("oauth-flash")).toContainText("Google Calendar connected as ada@plugboard.test.");
  await expect(card.getByTestId("integration-status-google-calendar")).toHaveText(/Active/);
  await expect(card.getByTestId("integration-account-google-calendar")).toHaveText("ada@plugboard.test");
  await expect(card).toContainText("Token renews");
  await page.setViewportSize({ width: 1360, height: 1400 });
  await page.screenshot({ path: path.join(ROOT, "test-results/oauth-connected.png"), animations: "disabled", fullPage: true });
  // The flash is shown once.
  await page.reload();
  await expect(card.getByTestId("integration-status-google-calendar")).toHaveText(/Active/);
  await expect(page.getByTestId("oauth-flash")).toHaveCount(0);

  await card.getByRole("button", { name: "Test" }).click();
  await expect(card.getByTestId("integration-test-result-google-calendar")).toContainText("Connection OK");

  await card.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(card.getByTestId("integration-status-google-calendar")).toHaveText(/Not connected/);
  await expect(card.getByRole("link", { name: "Connect" })).toBeVisible();

  // And once more, to show the way back in works after a disconnect.
  await card.getByRole("link", { name: "Connect" }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(card.getByTestId("integration-status-google-calendar")).toHaveText(/Active/);

  const html = await page.content();
  for (const token of await issuedTokens()) expect(html).not.toContain(token);
});

test("a declined consent says so and connects nothing", async ({ page }) => {
  await signIn(page);
  const card = page.getByTestId("integration-card-x");
  await card.getByRole("link", { name: "Connect" }).click();
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByTestId("oauth-flash")).toContainText("X was not connected: the consent was declined at X.");
  await expect(card.getByTestId("integration-status-x")).toHaveText(/Not connected/);
});

test("a provider without its OAuth app shows what to set and the redirect URI to register", async ({ page }) => {
  await signIn(page);
  const card = page.getByTestId("integration-card-linkedin");
  await expect(card.getByTestId("integration-status-linkedin")).toHaveText(/Not configured/);
  await expect(card.getByRole("link", { name: "Connect" })).toHaveCount(0);
  await expect(card.getByTestId("oauth-setup-linkedin")).toContainText("LINKEDIN_CLIENT_ID");
  await expect(card.getByTestId("oauth-setup-linkedin")).toContainText("LINKEDIN_CLIENT_SECRET");
  await expect(card.getByTestId("oauth-redirect-uri-linkedin")).toHaveText(`${BASE_URL}/api/integrations/linkedin/oauth/callback`);
  // Mailchimp: sign in with Mailchimp, or use an API key.
  const mailchimp = page.getByTestId("integration-card-mailchimp");
  await expect(mailchimp.getByRole("link", { name: "Connect" })).toBeVisible();
  await expect(mailchimp.getByRole("button", { name: "Use an API key" })).toBeVisible();
});

test("the token-refresh cron answers its report, and no token reaches the server log", async () => {
  const admin = await signedInRequest(ADMIN.email, ADMIN.password);
  const refused = await admin.get("/api/cron/refresh-tokens");
  expect(refused.status()).toBe(401);
  const report = await admin.get("/api/cron/refresh-tokens", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(report.status()).toBe(200);
  expect(await report.json()).toMatchObject({ processed: expect.any(Number), refreshed: expect.any(Number), failed: { total: 0 }, windowHours: 24 });
  const start = await admin.get("/api/integrations/linkedin/oauth/start", { maxRedirects: 0 });
  expect(start.status()).toBe(409);
  expect((await start.json()).error).toMatch(/LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET/);
  await admin.dispose();

  const log = fs.readFileSync(SERVER_LOG, "utf8");
  const tokens = await issuedTokens();
  expect(tokens.length).toBeGreaterThan(0);
  for (const token of tokens) expect(log).not.toContain(token);
});
