// A fresh deployment: /setup needs the setup token, creates the first admin, then closes;
// `npm run admin:create` adds a viewer from a second process while the app runs.
import { expect, test } from "@playwright/test";
import { ADMIN, SETUP_TOKEN, VIEWER } from "@/tests/e2e/env";
import { runCli } from "@/tests/e2e/helpers";

test("first admin through /setup, then a viewer through admin:create", async ({ page, request }) => {
  expect(await (await request.get("/api/setup")).json()).toEqual({ open: true });
  // Signed-out visits go to the sign-in page.
  await page.goto("/integrations");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fintegrations/);

  await page.goto("/setup");
  await page.getByLabel("Setup token").fill("wrong-token");
  await page.getByLabel("Workspace name").fill(ADMIN.workspace);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "setup token" })).toContainText("setup token is not valid");

  await page.getByLabel("Setup token").fill(SETUP_TOKEN);
  await page.getByRole("button", { name: "Create admin" }).click();
  // Signed in straight away: no second time the password.
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(page.getByRole("heading", { name: "Integrations" })).toBeVisible();
  expect(await (await request.get("/api/setup")).json()).toEqual({ open: false });
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup/);

  const out = runCli("scripts/admin-create.ts", ["--email", VIEWER.email, "--password", VIEWER.password, "--role", "viewer"]);
  expect(out).toContain(`created viewer ${VIEWER.email} in workspace "${ADMIN.workspace}"`);
});
