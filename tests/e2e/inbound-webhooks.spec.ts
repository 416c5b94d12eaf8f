// Provider webhooks on the running production server: public but signature-checked, stored,
// acknowledged and processed after the answer (Next's `after`), shown on the Inbound webhooks page (/events) with a
// Reprocess button for admins. An SMS goes out through the fake Twilio and a signed status
// callback (as Twilio would send it to PUBLIC_URL) updates it.
import fs from "node:fs";
import Stripe from "stripe";
import twilio from "twilio";
import { expect, test, request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, BASE_URL, SAME_ORIGIN, MAILCHIMP_WEBHOOK_SECRET, SERVER_LOG, VIEWER } from "@/tests/e2e/env";
import { runCli, signedInRequest, signInPage } from "@/tests/e2e/helpers";
import { startWebhookReceiver } from "@/tests/fakes/webhook-receiver";

const STRIPE_KEY = "sk_test_PlugboardValidKey000000000001";
const WEBHOOK_SECRET = "whsec_PlugboardWebhookSecret000001";
const TWILIO = { accountSid: "AC0123456789abcdef0123456789abcdef", authToken: "PlugboardTwilioToken000000000001", fromNumber: "+14155550100" };

let admin: APIRequestContext;
let anonymous: APIRequestContext;

test.beforeAll(async () => {
  admin = await signedInRequest(ADMIN.email, ADMIN.password);
  anonymous = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN });
});
test.afterAll(async () => {
  await admin.delete("/api/integrations/stripe");
  await admin.delete("/api/integrations/twilio");
  await Promise.all([admin?.dispose(), anonymous?.dispose()]);
});

function stripeDelivery(event: object, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event);
  return { headers: { "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret }) }, data: Buffer.from(payload) };
}

function twilioCallback(path: string, params: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(TWILIO.authToken, `${BASE_URL}${path}`, params);
  return { headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, data: Buffer.from(new URLSearchParams(params).toString()) };
}

async function eventsOf(query: string) {
  const response = await admin.get(`/api/inbound-events?${query}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { items: { id: string; type: string; state: string; attempts: number; deliveries: number }[]; counts: Record<string, number> };
}

test("webhook routes are public, and refuse deliveries without a signature or secret", async () => {
  for (const [method, path] of [
    ["POST", "/api/webhooks/stripe"],
    ["POST", "/api/webhooks/twilio/status"],
    ["POST", "/api/webhooks/twilio/inbound"],
    ["GET", "/api/webhooks/mailchimp"],
    ["POST", "/api/webhooks/mailchimp"],
    ["GET", "/api/mailchimp/webhooks"],
    ["POST", "/api/mailchimp/webhooks"],
  ] as const) {
    const response = await anonymous.fetch(path, { method, data: method === "POST" ? Buffer.from("{}") : undefined, headers: { "content-type": "application/json" } });
    expect(response.status(), `${method} ${path}`).toBe(401);
    // The route itself refused (a missing signature or secret), not the sign-in guard.
    expect((await response.json()).error, `${method} ${path}`).toMatch(/Stripe-Signature|X-Twilio-Signature|secret/);
  }
});

test("a signed Stripe event is acknowledged, processed after the answer, and deduplicated", async () => {
  const connected = await admin.post("/api/integrations/stripe/connect", { data: { fields: { secretKey: STRIPE_KEY, webhookSecret: WEBHOOK_SECRET } } });
  expect(connected.status(), await connected.text()).toBe(200);
  const event = {
    id: "evt_e2e_payment_1",
    object: "event",
    type: "payment_intent.succeeded",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: "pi_e2e_1", object: "payment_intent", amount: 4900, amount_received: 4900, currency: "eur", status: "succeeded", metadata: {} } },
  };
  const first = await anonymous.post("/api/webhooks/stripe", stripeDelivery(event));
  expect(first.status()).toBe(200);
  expect(await first.json()).toMatchObject({ received: true, duplicate: false });
  await expect.poll(async () => (await eventsOf("provider=stripe&type=payment_intent.succeeded")).items[0]?.state).toBe("processed");

  const again = await anonymous.post("/api/webhooks/stripe", stripeDelivery(event));
  expect(await again.json()).toMatchObject({ duplicate: true });
  expect((await eventsOf("provider=stripe&type=payment_intent.succeeded")).items[0]).toMatchObject({ attempts: 1, deliveries: 2 });

  const tampered = stripeDelivery(event);
  const refused = await anonymous.post("/api/webhooks/stripe", { ...tampered, data: Buffer.from(JSON.stringify({ ...event, id: "evt_forged" })) });
  expect(refused.status()).toBe(400);
  // Refused: its metadata is listed (the only Stripe connection is this workspace's), nothing processed.
  expect((await eventsOf("provider=stripe&state=rejected&signature=invalid")).items).toHaveLength(1);
  expect((await eventsOf("provider=stripe&type=payment_intent")).items).toHaveLength(1);
});

test("the payment.succeeded a Stripe event raises goes out right after it is processed, with no cron run", async () => {
  // The event is raised in the transaction that processes the delivery and sent once that commits,
  // in the production build, where the drain runs after the answer (tests/unit/commit-scope.test.ts
  // has the module copies that build makes). In a workspace of its own, with a Stripe webhook
  // secret of its own, so the other tests here see none of its events or endpoints.
  const owner = { email: "sent-on-commit@plugboard.test", password: "sent on commit password for e2e" };
  const secret = "whsec_PlugboardSentOnCommit0000001";
  try {
    runCli("scripts/admin-create.ts", ["--email", owner.email, "--password", owner.password, "--workspace", "Sent on commit"]);
  } catch (error) {
    if (!String((error as { stderr?: string }).stderr).includes("already exists")) throw error;
  }
  const own = await signedInRequest(owner.email, owner.password);
  const receiver = await startWebhookReceiver();
  try {
    const connected = await own.post("/api/integrations/stripe/connect", { data: { fields: { secretKey: STRIPE_KEY, webhookSecret: secret } } });
    expect(connected.status(), await connected.text()).toBe(200);
    const endpoint = await own.post("/api/webhook-endpoints", { data: { name: "Payments", url: `${receiver.url}/payments`, events: ["payment.succeeded"] } });
    expect(endpoint.status(), await endpoint.text()).toBe(201);
    for (let i = 0; i < 5; i++) {
      const intent = `pi_e2e_sent_${i}`;
      const event = {
        id: `evt_e2e_sent_${i}`,
        object: "event",
        type: "payment_intent.succeeded",
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: intent, object: "payment_intent", amount: 4900, amount_received: 4900, currency: "eur", status: "succeeded", metadata: {} } },
      };
      expect((await anonymous.post("/api/webhooks/stripe", stripeDelivery(event, secret))).status()).toBe(200);
      await expect.poll(() => receiver.received.filter((r) => r.eventType === "payment.succeeded" && r.body.includes(intent)).length, { timeout: 2_000, intervals: [50] }).toBe(1);
    }
  } finally {
    await own.delete("/api/integrations/stripe");
    await own.dispose();
    await receiver.close();
  }
});

test("an SMS goes out through Twilio and a signed status callback updates it", async () => {
  const connected = await admin.post("/api/integrations/twilio/connect", { data: { fields: TWILIO } });
  expect(connected.status(), await connected.text()).toBe(200);
  const sent = await admin.post("/api/sms", { data: { to: "+15557654321", body: "Your webinar starts in one hour" } });
  expect(sent.status(), await sent.text()).toBe(201);
  const { message } = (await sent.json()) as { message: { id: string; providerSid: string; status: string } };
  expect(message.status).toBe("queued");

  const params = {
    MessageSid: message.providerSid,
    SmsSid: message.providerSid,
    MessageStatus: "delivered",
    SmsStatus: "delivered",
    AccountSid: TWILIO.accountSid,
    From: TWILIO.fromNumber,
    To: "+15557654321",
    ApiVersion: "2010-04-01",
  };
  const callback = await anonymous.post("/api/webhooks/twilio/status", twilioCallback("/api/webhooks/twilio/status", params));
  expect(callback.status()).toBe(200);
  await expect
    .poll(async () => ((await (await admin.get("/api/sms")).json()) as { messages: { id: string; status: string }[] }).messages.find((m) => m.id === message.id)?.status)
    .toBe("delivered");

  const viewer = await signedInRequest(VIEWER.email, VIEWER.password);
  expect((await viewer.post("/api/sms", { data: { to: "+15557654321", body: "x" } })).status()).toBe(403);
  await viewer.dispose();
});

const signIn = (page: Page, email: string, password: string) => signInPage(page, email, password, "/events");

test("the Inbound webhooks page lists events with filters, and an admin reprocesses a failed one", async ({ page }) => {
  // A status callback for a message Plugboard never sent: stored, and its processing fails.
  const params = {
    MessageSid: "SM00000000000000000000000000000e2e",
    MessageStatus: "sent",
    AccountSid: TWILIO.accountSid,
    From: TWILIO.fromNumber,
    To: "+15557654321",
    ApiVersion: "2010-04-01",
  };
  expect((await anonymous.post("/api/webhooks/twilio/status", twilioCallback("/api/webhooks/twilio/status", params))).status()).toBe(200);
  await expect.poll(async () => (await eventsOf("provider=twilio&state=failed")).items.length).toBe(1);

  await signIn(page, ADMIN.email, ADMIN.password);
  const table = page.getByTestId("inbound-events-table");
  await expect(table.locator('[data-type="payment_intent.succeeded"]')).toContainText("Processed");
  await expect(page.getByTestId("inbound-count-processed")).toContainText(/[1-9]/);
  // The providers that send webhooks, and their names, come from the catalog.
  await expect(page.getByLabel("Provider", { exact: true }).locator("option")).toHaveText(["All providers", "Mailchimp", "Stripe", "Twilio"]);
  await expect(table.locator('[data-type="payment_intent.succeeded"]')).toContainText("Stripe");

  await page.getByLabel("State", { exact: true }).selectOption("failed");
  await expect(page).toHaveURL(/state=failed/);
  const failed = table.getByTestId("inbound-event-row");
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("No message");
  await expect(failed.getByTestId("inbound-event-attempts")).toHaveText("1");
  await failed.getByRole("button", { name: "Reprocess" }).click();
  await expect(failed.getByTestId("inbound-event-attempts")).toHaveText("2");

  await failed.getByRole("button", { name: "Show details" }).click();
  await expect(page.getByTestId("inbound-event-details")).toContainText("SM00000000000000000000000000000e2e");
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.screenshot({ path: "test-results/webhooks.png", animations: "disabled" });
});

test("a viewer sees the Inbound webhooks page without Reprocess buttons", async ({ page }) => {
  await signIn(page, VIEWER.email, VIEWER.password);
  await expect(page.getByTestId("inbound-event-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Reprocess" })).toHaveCount(0);
});

test("no webhook secret or auth token reaches an answer or the server log", async () => {
  const answers = [
    await (await admin.get("/api/inbound-events?pageSize=100")).text(),
    await (await admin.get("/api/integrations/twilio")).text(),
    await (await admin.get("/api/sms")).text(),
  ];
  const log = fs.readFileSync(SERVER_LOG, "utf8");
  for (const text of [...answers, log]) {
    for (const secret of [TWILIO.authToken, WEBHOOK_SECRET, MAILCHIMP_WEBHOOK_SECRET]) expect(text).not.toContain(secret);
  }
});
