// Outgoing webhooks in the production build, in a real browser: an admin adds an endpoint that
// points at a local receiver (which verifies every signature with the Standard Webhooks library),
// sees the secret once, sends a test, watches a real event arrive right after the request that
// raised it, rotates the secret, pauses, sees a 410 disable it, and deletes it. Also the HTTP
// contract: viewers read only, bad input is a 4xx, internal addresses are refused.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, CRON_SECRET, ROOT, SERVER_LOG, VIEWER } from "@/tests/e2e/env";
import { signedInRequest } from "@/tests/e2e/helpers";
import { startWebhookReceiver, type FakeWebhookReceiver } from "@/tests/fakes/webhook-receiver";

const STRIPE_KEY = "sk_test_PlugboardValidKey000000000001";
const HEADER_VALUE = "Bearer e2e-receiver-token-42";

let receiver: FakeWebhookReceiver;
let admin: APIRequestContext;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
  admin = await signedInRequest(ADMIN.email, ADMIN.password);
});
test.afterAll(async () => {
  await admin?.dispose();
  await receiver?.close();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/webhooks");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/webhooks/);
}

test("an admin adds an endpoint, tests it, receives real events, rotates, pauses and deletes it", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outgoing webhooks", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("webhooks-empty")).toBeVisible();

  // An internal address is refused, with the reason next to the field.
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const dialog = page.getByTestId("webhook-endpoint-dialog");
  await dialog.getByLabel("Name").fill("E2E receiver");
  await dialog.getByLabel("URL").fill("https://169.254.169.254/latest/meta-data/");
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  await expect(dialog.getByTestId("webhook-url-error")).toContainText("cloud metadata service address");

  await dialog.getByLabel("URL").fill(`${receiver.url}/hooks`);
  await dialog.getByRole("button", { name: "Add header" }).click();
  await dialog.getByLabel("Header 1 name").fill("Authorization");
  await dialog.getByLabel("Header 1 value").fill(HEADER_VALUE);
  await dialog.getByRole("button", { name: "Add endpoint" }).click();

  // The secret, once.
  const secretDialog = page.getByTestId("webhook-secret-dialog");
  const secret = await secretDialog.getByTestId("webhook-secret").inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  receiver.setSecrets([secret]);
  await secretDialog.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("webhook-endpoint-detail")).toBeVisible();
  await expect(page.locator("body")).not.toContainText(secret.slice(6));
  await expect(page.locator("body")).not.toContainText(HEADER_VALUE);

  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("webhook-test-result")).toContainText("Test delivered");
  await expect(page.getByTestId("webhook-test-result")).toContainText("200");
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0]!.standardVerifiedWith).toEqual([secret]);
  expect(receiver.received[0]!.simpleVerifiedWith).toEqual([secret]);
  expect(receiver.received[0]!.headers.authorization).toBe(HEADER_VALUE);

  const row = page.getByTestId("webhook-delivery-row").first();
  await expect(row).toContainText("webhook.test");
  await expect(row).toContainText("Delivered");
  await row.click();
  await expect(page.getByTestId("webhook-attempt").first()).toContainText("200");
  await expect(page.getByTestId("webhook-delivery-detail")).toContainText('{"received":true}');

  // A real event, sent right after the request that raised it (no cron run involved).
  const connected = await admin.post("/api/integrations/stripe/connect", { data: { fields: { secretKey: STRIPE_KEY } } });
  expect(connected.status()).toBe(200);
  await expect.poll(() => receiver.received.filter((r) => r.eventType === "connection.connected").length, { timeout: 15_000 }).toBe(1);
  const event = receiver.received.find((r) => r.eventType === "connection.connected")!;
  expect(event.standardVerifiedWith).toEqual([secret]);
  expect(JSON.parse(event.body)).toMatchObject({ type: "connection.connected", data: { providerId: "stripe" } });
  expect((await admin.delete("/api/integrations/stripe")).status()).toBe(200);
  await expect.poll(() => receiver.received.filter((r) => r.eventType === "connection.disconnected").length, { timeout: 15_000 }).toBe(1);

  await page.setViewportSize({ width: 1360, height: 1400 });
  await page.reload();
  await page.getByTestId("webhook-delivery-row").first().click();
  await page.screenshot({ path: path.join(ROOT, "test-results/webhooks-detail.png"), animations: "disabled" });

  // Rotation: the new secret once; both sign for now.
  await page.getByRole("button", { name: "Rotate secret" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Rotate" }).click();
  const newSecret = await page.getByTestId("webhook-secret").inputValue();
  expect(newSecret).not.toBe(secret);
  await page.getByRole("button", { name: "I have copied it" }).click();
  receiver.setSecrets([secret, newSecret]);
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("webhook-test-result")).toContainText("Test delivered");
  expect(receiver.received.at(-1)!.standardVerifiedWith.sort()).toEqual([secret, newSecret].sort());
  await expect(page.getByTestId("webhook-endpoint-detail")).toContainText("The previous secret also signs until");

  // Pause and resume.
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByText("New events are queued and sent once you resume.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send test" })).toBeDisabled();
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("button", { name: "Send test" })).toBeEnabled();

  // The receiver says the endpoint is gone: disabled, and said so.
  receiver.failNext({ status: 410, body: { error: "gone" } });
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("webhook-test-result")).toContainText("Test not delivered");
  await expect(page.getByTestId("webhook-disabled-alert")).toContainText("it answered 410 Gone");
  await page.goto("/activity");
  await expect(page.getByTestId("activity-table")).toContainText("webhook.endpoint.disabled");
  await page.goBack();

  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(page.getByTestId("webhooks-empty")).toBeVisible();

  const log = fs.readFileSync(SERVER_LOG, "utf8");
  expect(log).not.toContain(secret.slice(6));
  expect(log).not.toContain(newSecret.slice(6));
  expect(log).not.toContain("e2e-receiver-token");
});

test("a viewer sees endpoints read-only; the API refuses changes and bad input", async ({ page }) => {
  const created = await admin.post("/api/webhook-endpoints", { data: { name: "Shared", url: `${receiver.url}/hooks`, events: ["booking.created"] } });
  expect(created.status()).toBe(201);
  const { endpoint } = (await created.json()) as { endpoint: { id: string } };

  const viewer = await signedInRequest(VIEWER.email, VIEWER.password);
  expect((await viewer.get("/api/webhook-endpoints")).status()).toBe(200);
  const listed = await (await viewer.get("/api/webhook-endpoints")).text();
  expect(listed).not.toContain("whsec_");
  expect((await viewer.post("/api/webhook-endpoints", { data: { name: "x", url: "https://hooks.example.com", events: ["*"] } })).status()).toBe(403);
  expect((await viewer.post(`/api/webhook-endpoints/${endpoint.id}/test`)).status()).toBe(403);
  expect((await viewer.delete(`/api/webhook-endpoints/${endpoint.id}`)).status()).toBe(403);
  await viewer.dispose();

  const bad = await admin.post("/api/webhook-endpoints", { data: { name: "", url: "http://hooks.example.com", events: ["no.such"] } });
  expect(bad.status()).toBe(400);
  expect(Object.keys((await bad.json()).fields).sort()).toEqual(["events", "name"]);
  const loopback = await admin.post("/api/webhook-endpoints", { data: { name: "x", url: "https://[::1]/hooks", events: ["*"] } });
  expect(loopback.status()).toBe(400);
  expect((await loopback.json()).fields.url).toMatch(/loopback/);
  expect((await admin.get("/api/webhook-endpoints/no-such-endpoint")).status()).toBe(404);
  const cron = await admin.get("/api/cron/webhooks", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status()).toBe(200);
  expect(await cron.json()).toMatchObject({ attempted: expect.any(Number), eventsPruned: expect.any(Number) });

  await signIn(page, VIEWER.email, VIEWER.password);
  await expect(page.getByTestId(`webhook-endpoint-${endpoint.id}`)).toContainText("Shared");
  await expect(page.getByRole("button", { name: "Add endpoint" })).toHaveCount(0);
  await expect(page.getByText("Read-only")).toBeVisible();
  await page.getByRole("link", { name: "Shared" }).click();
  await expect(page.getByTestId("webhook-endpoint-detail")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send test" })).toHaveCount(0);

  expect((await admin.delete(`/api/webhook-endpoints/${endpoint.id}`)).status()).toBe(200);
});
