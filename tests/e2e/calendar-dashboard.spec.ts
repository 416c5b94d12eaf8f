// The calendar page in a real browser, against the fake Google Calendar and Graph the test server
// runs: run a batch and watch its progress bar, check availability (busy, then free after a
// delete batch), sync, switch to Outlook; a viewer sees it read-only; with a second Google
// account, the picker and the sync status name the account, and each ref reaches its own.
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, ROOT, VIEWER } from "@/tests/e2e/env";
import { runCli } from "@/tests/e2e/helpers";
import { testClock } from "@/tests/helpers/clock";

// "Next events" lists events that end after the server's real clock: the batch is dated in a year still ahead of it.
const { year } = testClock;

test.beforeAll(() => {
  expect(runCli("tests/e2e/seed-calendars.ts", [ADMIN.email])).toContain("seeded");
});
test.afterAll(() => {
  // The other browser tests count connected integrations.
  runCli("tests/e2e/seed-calendars.ts", [ADMIN.email, "--remove"]);
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login?callbackUrl=%2Fintegrations");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/integrations/);
}

async function checkRange(page: Page, from: string, to: string) {
  const panel = page.getByTestId("availability-check");
  await panel.getByLabel("From").fill(from);
  await panel.getByLabel("To").fill(to);
  await panel.getByRole("button", { name: "Check" }).click();
  return panel.getByTestId("availability-result");
}

test("an admin runs a batch, watches it, and checks availability", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calendar", exact: true }).click();
  await expect(page).toHaveURL(/\/calendar/);
  await expect(page.getByLabel("Calendar", { exact: true })).toHaveValue("google-calendar");
  await expect(page.getByTestId("availability-weeks").getByRole("grid")).toBeVisible();

  const batch = page.getByTestId("batch-panel");
  await batch.getByLabel("Events").fill("120");
  await batch.getByLabel("First starts").fill(`${year}-03-04T09:00`);
  await batch.getByLabel("Every (minutes)").fill("60");
  await batch.getByRole("button", { name: /Create 120 events/ }).click();
  const progress = batch.getByTestId("batch-progress");
  await expect(progress.getByRole("progressbar")).toBeVisible();
  await expect(progress).toHaveAttribute("data-status", "completed");
  await expect(progress.getByTestId("batch-progress-count")).toHaveText("120 / 120");
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "120");
  await expect(progress).toContainText("3 requests to the provider");

  const busy = await checkRange(page, `${year}-03-04T09:15`, `${year}-03-04T09:45`);
  await expect(busy.getByTestId("availability-verdict")).toHaveText("Busy");
  await expect(busy).toContainText("Plugboard test event 1");
  await expect(page.getByTestId("next-events")).toContainText("Plugboard test event 1");
  await page.setViewportSize({ width: 1360, height: 1400 });
  await page.screenshot({ path: path.join(ROOT, "test-results/calendar.png"), animations: "disabled", fullPage: true });

  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("sync-usage")).toHaveText(/^\d+ upcoming \/ \d+ total$/);

  await batch.getByLabel("Delete created from").fill(`${year}-03-01T00:00`);
  await batch.getByLabel("until").fill(`${year}-04-01T00:00`);
  await batch.getByRole("button", { name: "Delete" }).click();
  await expect(progress).toHaveAttribute("data-status", "completed");
  await expect(progress).toContainText("delete");
  await expect(progress.getByTestId("batch-progress-count")).toHaveText("120 / 120");
  const free = await checkRange(page, `${year}-03-04T09:15`, `${year}-03-04T09:45`);
  await expect(free.getByTestId("availability-verdict")).toHaveText("Available");

  await page.getByLabel("Calendar", { exact: true }).selectOption("outlook-calendar");
  await expect(page).toHaveURL(/calendar=outlook-calendar/);
  const outlook = await checkRange(page, `${year}-03-04T09:15`, `${year}-03-04T09:45`);
  await expect(outlook.getByTestId("availability-verdict")).toHaveText("Available");
});

test("a viewer sees availability but no batch controls", async ({ page }) => {
  await signIn(page, VIEWER.email, VIEWER.password);
  await page.goto("/calendar");
  await expect(page.getByTestId("availability-check")).toBeVisible();
  await expect(page.getByTestId("batch-panel")).toHaveCount(0);
  await expect(page.getByTestId("sync-now")).toHaveCount(0);
});

test("with two Google accounts, the picker names each and a calendar is its own account's", async ({ page }) => {
  expect(runCli("tests/e2e/seed-calendars.ts", [ADMIN.email, "--second-google"])).toContain("seeded");
  await signIn(page, ADMIN.email, ADMIN.password);
  // A card per account; each card's Calendar link opens its own account's calendar.
  const cards = page.getByTestId("integration-card-google-calendar");
  await expect(cards).toHaveCount(2);
  const second = cards.filter({ hasText: "second@plugboard.test" });
  const secondId = (await second.getAttribute("data-connection-id"))!;
  await second.getByTestId("integration-calendar-google-calendar").click();
  await expect(page).toHaveURL(new RegExp(`calendar=google-calendar%40${secondId}$`));
  const picker = page.getByLabel("Calendar", { exact: true });
  await expect(picker).toHaveValue(`google-calendar@${secondId}`);
  await expect(picker.locator("option:checked")).toHaveText(/^Google Calendar · second@plugboard\.test · /);
  const first = picker.locator("option", { hasText: /^Google Calendar · owner@plugboard\.test · .*\(primary\)$/ });
  const firstRef = (await first.getAttribute("value"))!;
  expect(firstRef).toMatch(/^google-calendar@[a-z0-9]+$/i);
  expect(firstRef).not.toBe(`google-calendar@${secondId}`);

  await expect(page.getByTestId("availability-weeks").getByRole("grid")).toBeVisible();
  await page.getByTestId("sync-now").click();
  await expect(page.getByTestId("sync-account")).toHaveText("second@plugboard.test");
  await expect(page.getByTestId("sync-usage")).toHaveText(/^\d+ upcoming \/ \d+ total$/);

  await picker.selectOption(firstRef);
  await expect(page).toHaveURL(new RegExp(`calendar=${encodeURIComponent(firstRef)}$`));
  await expect(page.getByTestId("sync-account")).toHaveText("owner@plugboard.test");
  const free = await checkRange(page, `${year}-03-04T09:15`, `${year}-03-04T09:45`);
  await expect(free.getByTestId("availability-verdict")).toHaveText("Available");
});
