// The admin's path in a real browser: sign in, see the dashboard, connect Stripe with an API key
// (checked live against the fake Stripe), see it active, test it, disconnect it — and a viewer's
// read-only view. UPDATE_README_SCREENSHOT=1 refreshes the README's docs/dashboard.png.
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, ROOT, VIEWER } from "@/tests/e2e/env";
import { signInPage } from "@/tests/e2e/helpers";

const VALID_KEY = "sk_test_PlugboardValidKey000000000001";
const WRONG_KEY = "sk_test_PlugboardWrongKey000000000009";

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
  // Providers without a client yet are listed as coming soon, with no connect button.
  const s3 = page.getByTestId("integration-card-s3");
  await expect(s3.getByTestId("integration-status-s3")).toHaveText(/Coming soon/);
  await expect(s3.getByRole("button", { name: "Connect" })).toHaveCount(0);

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
