// The dashboard's navigation in a real browser: the grouped sidebar on a wide window, the menu
// button and its sheet on a phone-sized one (opens, follows a link and closes, closes on Escape,
// hands focus back), the workspace's long name in full, and the Leads empty state as one sentence.
// It runs in a workspace of its own (no leads, a long name), so it touches no other spec's data.
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { ROOT } from "@/tests/e2e/env";
import { runCli, signInPage } from "@/tests/e2e/helpers";

const OWNER = { email: "nav-admin@plugboard.test", password: "navigation admin password for e2e" };
const WORKSPACE = "Northwind Traders — Regional Marketing & Partner Operations (EMEA)";
const GROUPS = {
  Overview: ["Integrations", "Health", "Activity"],
  Data: ["Leads", "Webinars", "Calendar", "Email", "Inbound webhooks", "Files"],
  Automation: ["Outgoing webhooks", "Jobs"],
};
const LEADS_EMPTY = "No leads here. Leads arrive through POST /api/leads.";

test.beforeAll(() => {
  runCli("scripts/admin-create.ts", ["--email", OWNER.email, "--password", OWNER.password, "--workspace", WORKSPACE]);
});

/** The name is all there: none of it cut off (a truncated line scrolls wider than its box). */
async function expectFullWorkspaceName(container: Locator) {
  const name = container.getByTestId("workspace-name");
  await expect(name).toBeVisible();
  await expect(name).toContainText(WORKSPACE);
  const box = await name.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, textOverflow: getComputedStyle(el).textOverflow }));
  expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth);
  expect(box.textOverflow).not.toBe("ellipsis");
}

/** The rendered text, as the eye reads it: innerText breaks lines between blocks and flex items. */
async function expectLeadsEmptyAsOneSentence(page: Page) {
  const empty = page.getByTestId("leads-empty");
  await expect(empty).toBeVisible();
  expect((await empty.innerText()).trim()).toBe(LEADS_EMPTY);
}

test("a wide window shows the grouped sidebar, the workspace in full, and the account", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await signInPage(page, OWNER.email, OWNER.password, "/integrations");

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  for (const [group, links] of Object.entries(GROUPS)) {
    await expect(nav.getByRole("group", { name: group }).getByRole("link"), group).toHaveText(links);
  }
  // Settings has no pages yet, so no empty heading.
  await expect(nav.getByRole("group", { name: "Settings" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Menu", exact: true })).toBeHidden();

  await expect(nav.getByRole("link", { name: "Integrations", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
  await expectFullWorkspaceName(page.getByTestId("sidebar"));
  await expect(page.getByTestId("sidebar").getByTestId("current-user")).toContainText(OWNER.email);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, "test-results/navigation-wide.png"), animations: "disabled" });

  await nav.getByRole("link", { name: "Leads", exact: true }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(nav.getByRole("link", { name: "Leads", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Integrations", exact: true })).not.toHaveAttribute("aria-current", "page");
  await expectLeadsEmptyAsOneSentence(page);
});

test("a narrow window opens the navigation from the menu button, follows a link, and closes on Escape", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInPage(page, OWNER.email, OWNER.password, "/integrations");

  // No sidebar: the menu button stands in for it.
  await expect(page.getByTestId("sidebar")).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  // includeHidden: while the sheet is open (modal), everything outside it is aria-hidden, the button too.
  const menu = page.getByTestId("mobile-header").getByRole("button", { name: "Menu", exact: true, includeHidden: true });
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expectFullWorkspaceName(page.getByTestId("mobile-header"));
  await page.screenshot({ path: path.join(ROOT, "test-results/navigation-narrow.png"), animations: "disabled" });

  await menu.click();
  const sheet = page.getByRole("dialog", { name: "Navigation" });
  await expect(sheet).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(menu).toHaveAttribute("aria-controls", (await sheet.getAttribute("id"))!);
  const nav = sheet.getByRole("navigation", { name: "Main" });
  for (const [group, links] of Object.entries(GROUPS)) {
    await expect(nav.getByRole("group", { name: group }).getByRole("link"), group).toHaveText(links);
  }
  // Focus starts on the page the reader is on.
  await expect(nav.getByRole("link", { name: "Integrations", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Integrations", exact: true })).toBeFocused();
  await expectFullWorkspaceName(sheet);
  await expect(sheet.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, "test-results/navigation-narrow-open.png"), animations: "disabled" });

  // A link navigates and closes the sheet; focus goes back to the menu button.
  await nav.getByRole("link", { name: "Leads", exact: true }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(sheet).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await expectLeadsEmptyAsOneSentence(page);

  // Escape closes it without going anywhere.
  await menu.click();
  await expect(sheet).toBeVisible();
  await expect(nav.getByRole("link", { name: "Leads", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Leads", exact: true })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await expect(page).toHaveURL(/\/leads$/);

  // The close button in the corner works too.
  await menu.click();
  await sheet.getByRole("button", { name: "Close menu" }).click();
  await expect(sheet).toBeHidden();
});
