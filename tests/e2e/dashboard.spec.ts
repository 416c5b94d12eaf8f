// The admin's path in a real browser: sign in, see the dashboard, connect Stripe with an API key
// (checked live against the fake Stripe), see it active, test it, disconnect it — and a viewer's
// read-only view; then two Stripe accounts side by side, each card addressing its own connection.
// UPDATE_README_SCREENSHOT=1 refreshes the README's docs/dashboard.png.
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, ROOT, VIEWER } from "@/tests/e2e/env";
import { signInPage } from "@/tests/e2e/helpers";

const VALID_KEY = "sk_test_PlugboardValidKey000000000001";
const WRONG_KEY = "sk_test_PlugboardWrongKey000000000009";
// The fake Stripe's live-mode key: another account, so a second connection.
const LIVE_KEY = "sk_live_PlugboardValidKey000000000001";

const signIn = (page: Page, email: string, password: string) => signInPage(page, email, password, "/integrations");

test("an admin connects, tests and disconnects Stripe", async ({ page }) => {
  // A wrong password first: the form says so and stays.
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password" })).toBeVisible();

  await signIn(page, ADMIN.email, ADMIN.password);
  const card = page.getByTestId("integration-card-stripe");
  await expect(card.getByTestId("integration-status-stripe")).toHaveText(/Not connected/);

  // A key Stripe refuses: the dialog says why and stays open; nothing is connected.
  await card.getByRole("button", { name: "Connect" }).click();
  const dialog = page.getByTestId("credentials-dialog-stripe");
  await dialog.getByLabel("Secret key").fill(WRONG_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog).toContainText(/Invalid API Key|rejected/i);
  await expect(dialog).not.toContainText(WRONG_KEY.slice(8));

  await dialog.getByLabel("Secret key").fill(VALID_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByTestId("integration-status-stripe")).toHaveText(/Active/);
  await expect(card.getByTestId("integration-account-stripe")).toContainText("Stripe (test mode)");
  await expect(page.getByTestId("summary-active")).toContainText("1");
  await expect(page.locator("body")).not.toContainText(VALID_KEY.slice(8));

  await card.getByRole("button", { name: "Test" }).click();
  await expect(card.getByTestId("integration-test-result-stripe")).toContainText("Connection OK");

  // The README's picture is refreshed on request only, so test runs leave the tree clean.
  const shot = process.env.UPDATE_README_SCREENSHOT ? path.join(ROOT, "docs/dashboard.png") : path.join(ROOT, "test-results/dashboard.png");
  await page.setViewportSize({ width: 1360, height: 1280 });
  await page.screenshot({ path: shot, animations: "disabled" });

  // The activity page lists the calls, filtered by provider through the URL.
  await page.goto("/activity?providerId=stripe");
  await expect(page.getByTestId("activity-table")).toContainText("Stripe");
  await expect(page.getByTestId("activity-table")).toContainText("connection.test");

  await page.goto("/integrations");
  await card.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(card.getByTestId("integration-status-stripe")).toHaveText(/Not connected/);
  await expect(card.getByRole("button", { name: "Connect" })).toBeVisible();
});

test("a viewer sees the dashboard read-only", async ({ page }) => {
  await signIn(page, VIEWER.email, VIEWER.password);
  const card = page.getByTestId("integration-card-stripe");
  await expect(card).toBeVisible();
  await expect(page.getByText("Read-only").first()).toBeVisible();
  await expect(card.getByRole("button", { name: "Connect" })).toHaveCount(0);
});

test("an admin connects two Stripe accounts, picks the default for payments, and disconnects one", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const cards = page.getByTestId("integration-card-stripe");
  await expect(cards).toHaveCount(1);
  await cards.getByRole("button", { name: "Connect" }).click();
  const dialog = page.getByTestId("credentials-dialog-stripe");
  await dialog.getByLabel("Secret key").fill(VALID_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog).toBeHidden();
  await expect(cards.getByTestId("integration-status-stripe")).toHaveText(/Active/);
  // One account: nothing to choose between.
  await expect(cards.getByTestId("integration-make-default-stripe")).toHaveCount(0);

  // The second account, through the same form.
  await cards.getByRole("button", { name: "Add another account" }).click();
  await expect(dialog.getByRole("heading")).toHaveText("Add another Stripe account");
  await dialog.getByLabel("Secret key").fill(LIVE_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog).toBeHidden();
  await expect(cards).toHaveCount(2);
  await expect(page.getByTestId("provider-group-stripe")).toContainText("2 accounts");
  await expect(page.getByTestId("summary-active")).toContainText("2");
  const testMode = cards.filter({ hasText: "Stripe (test mode)" });
  const liveMode = cards.filter({ hasText: "Stripe (live mode)" });
  await expect(testMode.getByTestId("integration-status-stripe")).toHaveText(/Active/);
  await expect(liveMode.getByTestId("integration-status-stripe")).toHaveText(/Active/);
  const liveId = (await liveMode.getAttribute("data-connection-id"))!;
  const testId = (await testMode.getAttribute("data-connection-id"))!;
  expect(liveId).toMatch(/^[a-z0-9]{8,}$/i);
  expect(testId).not.toBe(liveId);
  await expect(page.locator("body")).not.toContainText(LIVE_KEY.slice(8));

  // No admin choice yet: the card says which account is used; then the live one becomes the default.
  await expect(testMode.getByTestId("integration-used-by-default-stripe")).toHaveText("Used by default");
  await expect(liveMode.getByTestId("integration-used-by-default-stripe")).toHaveCount(0);
  const madeDefault = page.waitForResponse((r) => r.url().endsWith(`/api/connections/${liveId}/default`) && r.request().method() === "PUT");
  await liveMode.getByRole("button", { name: "Make default for payments" }).click();
  expect((await madeDefault).status()).toBe(200);
  await expect(liveMode.getByTestId("integration-default-stripe")).toHaveText("Default for payments");
  await expect(testMode.getByTestId("integration-default-stripe")).toHaveCount(0);
  await expect(testMode.getByTestId("integration-used-by-default-stripe")).toHaveCount(0);
  await expect(testMode.getByRole("button", { name: "Make default for payments" })).toBeVisible();
  await page.setViewportSize({ width: 1360, height: 1280 });
  await page.screenshot({ path: path.join(ROOT, "test-results/dashboard-accounts.png"), animations: "disabled", fullPage: true });
  const status = await (await page.request.get("/api/integrations/status")).json();
  expect(status.defaults).toEqual({ payments: liveId });

  // Test and Edit address the card's own connection.
  const tested = page.waitForResponse((r) => r.url().endsWith(`/api/connections/${liveId}/test`));
  await liveMode.getByRole("button", { name: "Test" }).click();
  expect((await tested).status()).toBe(200);
  await expect(liveMode.getByTestId("integration-test-result-stripe")).toContainText("Connection OK");
  await expect(testMode.getByTestId("integration-test-result-stripe")).toBeHidden();
  await liveMode.getByRole("button", { name: "Edit" }).click();
  await expect(dialog).toContainText("Stripe (live mode)");
  await dialog.getByLabel("Secret key").fill(LIVE_KEY);
  const edited = page.waitForResponse((r) => r.url().endsWith(`/api/connections/${liveId}`) && r.request().method() === "PATCH");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  expect((await edited).status()).toBe(200);
  await expect(dialog).toBeHidden();
  await expect(cards).toHaveCount(2);

  // Disconnecting the test-mode account leaves the live one as it was.
  await testMode.getByRole("button", { name: "Disconnect" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("Stripe (test mode)");
  const removed = page.waitForResponse((r) => r.url().endsWith(`/api/connections/${testId}`) && r.request().method() === "DELETE");
  await confirm.getByRole("button", { name: "Disconnect" }).click();
  expect((await removed).status()).toBe(200);
  await expect(cards).toHaveCount(1);
  await expect(cards).toHaveAttribute("data-connection-id", liveId);
  await expect(cards.getByTestId("integration-status-stripe")).toHaveText(/Active/);
  await expect(cards.getByTestId("integration-account-stripe")).toContainText("Stripe (live mode)");
  await expect(page.getByTestId("provider-group-stripe")).toHaveCount(0);
  await page.reload();
  await expect(cards).toHaveCount(1);
  await expect(cards).toHaveAttribute("data-connection-id", liveId);
  await expect(page.getByTestId("summary-active")).toContainText("1");

  // The tests after this one count connected integrations: nothing of Stripe stays.
  await cards.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(cards.getByTestId("integration-status-stripe")).toHaveText(/Not connected/);
});
