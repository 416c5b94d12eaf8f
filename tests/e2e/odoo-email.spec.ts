// Odoo and email on the running production server: connect both over HTTP, leads in and exported,
// a registration confirmed by email, the cron routes, roles and input errors — then the admin's
// pages in a real browser: leads with the sync, webinars, the email preview and a test send.
import fs from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, CRON_SECRET, FAKES_FILE, SERVER_LOG, VIEWER } from "@/tests/e2e/env";
import { signedInRequest } from "@/tests/e2e/helpers";

const ODOO_KEY = "odoo-api-key-0123456789abcdef";
const SMTP_PASSWORD = "smtp password 0123456789";

let admin: APIRequestContext;
let viewer: APIRequestContext;
let fakes: { odoo: string; smtpPort: number };

test.beforeAll(async () => {
  admin = await signedInRequest(ADMIN.email, ADMIN.password);
  viewer = await signedInRequest(VIEWER.email, VIEWER.password);
  fakes = JSON.parse(fs.readFileSync(FAKES_FILE, "utf8"));
});
test.afterAll(async () => {
  // Leave the workspace as the other specs expect it.
  await admin?.delete("/api/integrations/odoo");
  await admin?.delete("/api/integrations/smtp");
  await Promise.all([admin?.dispose(), viewer?.dispose()]);
});

test("Odoo: connect, leads in, exported by the sync, progress and reports over HTTP", async () => {
  const connect = await admin.post("/api/integrations/odoo/connect", {
    data: { fields: { url: fakes.odoo, database: "plugboard", username: "admin@plugboard.test", apiKey: ODOO_KEY, timeout: "10" } },
  });
  expect(connect.status(), await connect.text()).toBe(200);
  expect((await connect.json()).accountLabel).toBe("Mitchell Admin · Odoo 17.0 · plugboard");

  const bad = await admin.post("/api/leads", { data: { name: "", email: "nope", website: "not a url", extra: 1 } });
  expect(bad.status()).toBe(400);
  expect(Object.keys((await bad.json()).fields).sort()).toEqual(expect.arrayContaining(["email", "name", "website"]));
  for (const n of [1, 2]) {
    const created = await admin.post("/api/leads", { data: { name: `Ada ${n}`, email: `ada${n}@example.test`, company: "AE", whitepaperTitle: "Automation for SMEs" } });
    expect(created.status()).toBe(201);
  }
  expect((await viewer.post("/api/leads", { data: { name: "V", email: "v@example.test" } })).status()).toBe(403);
  expect((await viewer.post("/api/integrations/odoo/sync-leads")).status()).toBe(403);

  const sync = await admin.post("/api/integrations/odoo/sync-leads");
  expect(sync.status(), await sync.text()).toBe(200);
  expect(await sync.json()).toMatchObject({ status: "completed", total: 2, processed: 2, successful: 2, failed: 0, failures: [] });
  const overview = await (await viewer.get("/api/integrations/odoo/sync-leads")).json();
  expect(overview).toMatchObject({ kind: "leads", running: null, pending: 0, runs: [{ status: "completed", successful: 2 }] });
  const leads = await (await viewer.get("/api/leads?status=exported")).json();
  expect(leads).toMatchObject({ total: 2, counts: { all: 2, exported: 2, unsent: 0 } });
  expect((await admin.get("/api/leads?status=bogus")).status()).toBe(400);

  const cron = await admin.get("/api/cron/sync-leads", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status()).toBe(200);
  expect((await cron.json()).workspaces[0]).toMatchObject({ report: { status: "completed", total: 0 } });
  const status = await (await admin.get("/api/integrations/status")).json();
  expect(status.integrations.odoo).toMatchObject({ connected: true, status: "active", usage: expect.arrayContaining([{ label: "Leads exported", value: "2" }]) });
});

test("email: SMTP connected, a registration confirmed by email, preview, test send and the reminder cron", async () => {
  const connect = await admin.post("/api/integrations/smtp/connect", {
    data: {
      fields: {
        host: "127.0.0.1",
        port: String(fakes.smtpPort),
        security: "none",
        username: "mailer@plugboard.test",
        password: SMTP_PASSWORD,
        fromEmail: "events@plugboard.test",
        fromName: "Plugboard",
      },
    },
  });
  expect(connect.status(), await connect.text()).toBe(200);

  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const session = await admin.post("/api/webinars", {
    data: { title: "Automation for SMEs", startsAt, durationMinutes: 60, capacity: 50, onlineUrl: "https://webinar.example.com/a" },
  });
  expect(session.status(), await session.text()).toBe(201);
  const { id: sessionId } = await session.json();
  expect((await admin.post("/api/webinars", { data: { title: "x", startsAt: "tomorrow" } })).status()).toBe(400);

  const registration = await admin.post("/api/registrations", { data: { sessionId, name: "Bernd", email: "bernd@example.test", language: "de" } });
  expect(registration.status(), await registration.text()).toBe(201);
  expect(await registration.json()).toMatchObject({ registration: { language: "de", confirmationSentAt: expect.any(String) }, confirmation: { ok: true, provider: "smtp" } });
  expect((await admin.post("/api/registrations", { data: { sessionId, name: "Bernd", email: "bernd@example.test" } })).status()).toBe(409);
  expect((await admin.post("/api/registrations", { data: { sessionId, name: "X", email: "x@example.test", language: "fr" } })).status()).toBe(400);

  const preview = await viewer.get("/api/email/preview?template=webinar_reminder&language=de");
  expect(preview.status()).toBe(200);
  expect((await preview.json()).subject).toBe("Webinar-Erinnerung - Automatisierung für KMU beginnt in 7 Tagen");
  const unknown = await viewer.get("/api/email/preview?template=webinar_reminder&language=fr");
  expect(unknown.status()).toBe(400);
  expect((await unknown.json()).error).toMatch(/no "fr" version/);

  const sent = await admin.post("/api/email/test", { data: { template: "booking_confirmation", language: "en" } });
  expect(await sent.json()).toMatchObject({ to: ADMIN.email, result: { ok: true, provider: "smtp" } });
  expect((await viewer.post("/api/email/test", { data: { template: "booking_confirmation", language: "en" } })).status()).toBe(403);

  const reminders = await admin.get("/api/cron/webinar-reminders", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(reminders.status()).toBe(200);
  const report = await reminders.json();
  expect(report.kinds.map((k: { kind: string }) => k.kind)).toEqual(["7d", "2d"]);
  const again = await (await admin.get("/api/cron/webinar-reminders", { headers: { authorization: `Bearer ${CRON_SECRET}` } })).json();
  expect(again.sent).toBe(0);

  const log = fs.readFileSync(SERVER_LOG, "utf8");
  for (const secret of [ODOO_KEY, SMTP_PASSWORD]) {
    expect(log).not.toContain(secret);
    expect(await (await admin.get("/api/integrations/status")).text()).not.toContain(secret);
    expect(await (await admin.get("/api/activity")).text()).not.toContain(secret);
  }
});

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/integrations/);
}

test("the admin's pages: leads and their sync, webinars, email preview and a test email", async ({ page }) => {
  await admin.post("/api/leads", { data: { name: "Grace Browser", email: "grace@example.test", whitepaperTitle: "Cloud costs" } });
  await signIn(page);
  await expect(page.getByTestId("integration-account-odoo")).toContainText("Mitchell Admin");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leads", exact: true }).click();
  await expect(page.getByTestId("leads-table")).toContainText("Grace Browser");
  await expect(page.getByTestId("sync-pending")).toContainText("1 waiting");
  await page.getByTestId("sync-run-leads").click();
  const report = page.getByTestId("sync-panel-leads").getByTestId("sync-report");
  await expect(report).toContainText("Completed");
  await expect(report.getByTestId("sync-successful")).toHaveText("1");
  await expect(page.getByTestId("leads-table")).toContainText(/In Odoo #\d+/);
  await page.screenshot({ path: "test-results/leads.png", fullPage: true, animations: "disabled" });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webinars", exact: true }).click();
  await expect(page.getByTestId("sessions-table")).toContainText("Automation for SMEs");
  await expect(page.getByTestId("registrations-table")).toContainText("bernd@example.test");
  await page.getByTestId("sync-run-events").click();
  await expect(page.getByTestId("sync-panel-events").getByTestId("sync-report")).toContainText("Completed");
  await expect(page.getByTestId("sessions-table")).toContainText(/Event #\d+/);
  await page.screenshot({ path: "test-results/webinars.png", fullPage: true, animations: "disabled" });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Email", exact: true }).click();
  await page.getByLabel("Template").selectOption("webinar_registration");
  await page.getByLabel("Language").selectOption("de");
  await expect(page.getByTestId("email-preview-subject")).toHaveText("Webinar-Anmeldung bestätigt - Automatisierung für KMU");
  await expect(page.frameLocator("iframe[title='HTML preview']").locator("body")).toContainText("vielen Dank für Ihre Anmeldung");
  await page.getByRole("tab", { name: "Plain text" }).click();
  await expect(page.getByTestId("email-preview-text")).toContainText("Datum und Uhrzeit:");
  await page.getByTestId("email-send-test").click();
  await expect(page.getByTestId("email-test-result")).toContainText(`Sent to ${ADMIN.email}`);
  // The provider's name comes from the catalog.
  await expect(page.getByTestId("email-test-result")).toContainText("Through SMTP.");
  await page.getByRole("tab", { name: "HTML" }).click();
  await expect(page.frameLocator("iframe[title='HTML preview']").locator("body")).toContainText("Guten Tag");
  await page.screenshot({ path: "test-results/email.png", fullPage: true, animations: "disabled" });
});
