// Stripe webhooks end to end through the route handler: signatures made with the SDK's own test
// header, stored before the answer, processed once, payment and registration statuses moved.
import Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import { createPaymentIntent } from "@/lib/payments/intents";
import { forgetCachedConnections } from "@/lib/webhooks-in/connections";
import { retryInboundEvents } from "@/lib/webhooks-in/store";
import { STRIPE_KEYS, paymentIntentObject, refundedChargeObject, stripeEvent } from "@/tests/fakes/stripe";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { deliverWebhook, storedConnection } from "@/tests/integration/webhooks/helpers";

const h = useHarness();
const URL_ = "http://127.0.0.1/api/webhooks/stripe";
const SECRET = STRIPE_KEYS.webhookSecret;

function signed(payload: string, options: { secret?: string; timestamp?: number; header?: string | null } = {}) {
  const header =
    options.header !== undefined ? options.header : Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp });
  return { url: URL_, headers: { "content-type": "application/json", ...(header !== null ? { "stripe-signature": header } : {}) }, body: payload };
}

async function workspaceWithStripe(secret: string = SECRET, name = "Acme") {
  const user = await signedIn(h.t.db, "admin", name);
  const connection = await storedConnection(h.t.db, user.workspaceId, "stripe", { secretKey: STRIPE_KEYS.valid, webhookSecret: secret });
  return { user, connection };
}

async function registration(workspaceId: string, paymentStatus: "not_required" | "pending" = "pending") {
  const session = await h.t.db.webinarSession.create({ data: { workspaceId, title: "Intro", startsAt: new Date(Date.now() + 86_400_000), priceMinor: 4900, currency: "eur" } });
  return h.t.db.registration.create({ data: { workspaceId, sessionId: session.id, name: "Ada", email: `ada-${Math.random()}@example.test`, paymentStatus } });
}

function intentEvent(type: "payment_intent.succeeded" | "payment_intent.payment_failed", id: string, registrationId?: string, eventId?: string) {
  const object = paymentIntentObject({ id, amount: 4900, metadata: registrationId ? { registrationId } : {} }, type === "payment_intent.succeeded" ? "succeeded" : "failed");
  return JSON.stringify(stripeEvent(type, object, { id: eventId }));
}

beforeEach(() => forgetCachedConnections());

describe("POST /api/webhooks/stripe", () => {
  it("verifies, stores, acknowledges and processes payment_intent.succeeded: the registration is paid", async () => {
    const { user } = await workspaceWithStripe();
    const reg = await registration(user.workspaceId);
    const answer = await deliverWebhook(signed(intentEvent("payment_intent.succeeded", "pi_ok_1", reg.id)));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ received: true, duplicate: false });
    const event = await h.t.db.inboundEvent.findFirstOrThrow({ where: { workspaceId: user.workspaceId } });
    expect(event).toMatchObject({ provider: "stripe", type: "payment_intent.succeeded", signature: "verified", state: "processed", attempts: 1, deliveries: 1 });
    expect(event.dedupeKey).toMatch(/^evt_/);
    expect(await h.t.db.registration.findUniqueOrThrow({ where: { id: reg.id } })).toMatchObject({ paymentStatus: "completed", paymentIntentId: "pi_ok_1", amountPaidMinor: 4900 });
    expect(await h.t.db.payment.findFirstOrThrow({ where: { paymentIntentId: "pi_ok_1" } })).toMatchObject({
      status: "completed",
      amountReceivedMinor: 4900,
      registrationId: reg.id,
    });
  });

  it("refuses a tampered body, a wrong secret, a stale timestamp and a missing header — recording metadata only, processing nothing", async () => {
    const { user } = await workspaceWithStripe();
    const reg = await registration(user.workspaceId);
    const payload = intentEvent("payment_intent.succeeded", "pi_bad_1", reg.id);
    const good = signed(payload);

    const tampered = await deliverWebhook({ ...good, body: payload.replace("4900", "1") });
    expect(tampered.status).toBe(400);
    const wrongSecret = await deliverWebhook(signed(payload, { secret: "whsec_SomeoneElsesSecret0000000001" }));
    expect(wrongSecret.status).toBe(400);
    const stale = await deliverWebhook(signed(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect(stale.status).toBe(400);
    expect(JSON.stringify(stale.body)).toMatch(/tolerance/);
    const missing = await deliverWebhook(signed(payload, { header: null }));
    expect(missing.status).toBe(401);
    const garbage = await deliverWebhook(signed(payload, { header: "t=1,v1=nothex" }));
    expect(garbage.status).toBe(400);

    const rows = await h.t.db.inboundEvent.findMany({ orderBy: { receivedAt: "asc" } });
    expect(rows.map((r) => r.signature).sort()).toEqual(["invalid", "invalid", "invalid", "missing", "stale"]);
    expect(rows.every((r) => r.state === "rejected" && r.payload === null && r.dedupeKey === null && r.attempts === 0)).toBe(true);
    // With one Stripe connection, signed refusals are shown on its workspace's page; a missing header is anyone's.
    expect(
      rows
        .filter((r) => r.workspaceId === user.workspaceId)
        .map((r) => r.signature)
        .sort(),
    ).toEqual(["invalid", "invalid", "invalid", "stale"]);
    expect(await h.t.db.registration.findUniqueOrThrow({ where: { id: reg.id } })).toMatchObject({ paymentStatus: "pending" });
    expect(await h.t.db.payment.count()).toBe(0);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it("acknowledges a duplicate delivery without processing it twice", async () => {
    const { user } = await workspaceWithStripe();
    const reg = await registration(user.workspaceId);
    const payload = intentEvent("payment_intent.succeeded", "pi_dup_1", reg.id, "evt_duplicate_1");
    const first = await deliverWebhook(signed(payload));
    // Stripe re-signs a retried delivery with a new timestamp; the event id is what repeats.
    const again = await Promise.all([deliverWebhook(signed(payload)), deliverWebhook(signed(payload))]);
    expect(first.body).toMatchObject({ duplicate: false });
    expect(again.map((a) => [a.status, (a.body as { duplicate: boolean }).duplicate])).toEqual([
      [200, true],
      [200, true],
    ]);
    const rows = await h.t.db.inboundEvent.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deliveries: 3, attempts: 1, state: "processed" });
    expect(await h.t.db.payment.count()).toBe(1);
  });

  it("stores and acknowledges event types it does not act on, as ignored", async () => {
    const { user } = await workspaceWithStripe();
    const answer = await deliverWebhook(signed(JSON.stringify(stripeEvent("customer.created", { id: "cus_1", object: "customer" }))));
    expect(answer.status).toBe(200);
    expect(await h.t.db.inboundEvent.findFirstOrThrow({ where: { workspaceId: user.workspaceId } })).toMatchObject({ type: "customer.created", state: "ignored", attempts: 0 });
  });

  it("moves payment status only forward: failed → succeeded → (late failure ignored) → refunded", async () => {
    const { user } = await workspaceWithStripe();
    const reg = await registration(user.workspaceId);
    const paymentOf = () => h.t.db.payment.findFirstOrThrow({ where: { paymentIntentId: "pi_flow_1" } });
    const regOf = () => h.t.db.registration.findUniqueOrThrow({ where: { id: reg.id } });

    await deliverWebhook(signed(intentEvent("payment_intent.payment_failed", "pi_flow_1", reg.id)));
    expect(await paymentOf()).toMatchObject({ status: "failed", lastError: "Your card was declined." });
    expect(await regOf()).toMatchObject({ paymentStatus: "failed" });

    await deliverWebhook(signed(intentEvent("payment_intent.succeeded", "pi_flow_1", reg.id)));
    expect(await paymentOf()).toMatchObject({ status: "completed", lastError: null });
    expect(await regOf()).toMatchObject({ paymentStatus: "completed" });

    // Delivered late (another event id): must not undo the success.
    await deliverWebhook(signed(intentEvent("payment_intent.payment_failed", "pi_flow_1", reg.id)));
    expect(await paymentOf()).toMatchObject({ status: "completed" });
    expect(await regOf()).toMatchObject({ paymentStatus: "completed" });

    await deliverWebhook(signed(JSON.stringify(stripeEvent("charge.refunded", refundedChargeObject("pi_flow_1", 4900, 1000)))));
    expect(await paymentOf()).toMatchObject({ status: "completed", amountRefundedMinor: 1000 });
    await deliverWebhook(signed(JSON.stringify(stripeEvent("charge.refunded", refundedChargeObject("pi_flow_1", 4900, 4900)))));
    expect(await paymentOf()).toMatchObject({ status: "refunded", amountRefundedMinor: 4900 });
    expect(await regOf()).toMatchObject({ paymentStatus: "refunded" });
    expect(await h.t.db.inboundEvent.count({ where: { state: "processed" } })).toBe(5);
  });

  it("finds the workspace by whose signing secret verifies, and the per-connection URL checks only that connection", async () => {
    const a = await workspaceWithStripe("whsec_WorkspaceASecret000000000001", "A");
    const b = await workspaceWithStripe("whsec_WorkspaceBSecret000000000002", "B");
    const payload = JSON.stringify(stripeEvent("customer.created", { id: "cus_2" }));
    await deliverWebhook(signed(payload, { secret: "whsec_WorkspaceBSecret000000000002" }));
    expect(await h.t.db.inboundEvent.findFirstOrThrow()).toMatchObject({ workspaceId: b.user.workspaceId, connectionId: b.connection.id });

    const right = await deliverWebhook({ ...signed(payload, { secret: "whsec_WorkspaceASecret000000000001" }), url: `${URL_}/${a.connection.id}` });
    expect(right.status).toBe(200);
    const wrong = await deliverWebhook({ ...signed(payload, { secret: "whsec_WorkspaceBSecret000000000002" }), url: `${URL_}/${a.connection.id}` });
    expect(wrong.status).toBe(400);
    const unknown = await deliverWebhook({ ...signed(payload), url: `${URL_}/nope` });
    expect(unknown.status).toBe(400);
    expect(await h.t.db.inboundEvent.count({ where: { workspaceId: a.user.workspaceId, state: "ignored" } })).toBe(1);
  });

  it("refuses a body over the size limit with 413 and stores nothing", async () => {
    await workspaceWithStripe();
    const payload = JSON.stringify(stripeEvent("customer.created", { id: "cus_3", note: "x".repeat(300_000) }));
    const answer = await deliverWebhook(signed(payload));
    expect(answer.status).toBe(413);
    expect(await h.t.db.inboundEvent.count()).toBe(0);
  });

  it("retries a failed processing step: the retry job tries again on schedule, then gives up after the last attempt", async () => {
    const { user } = await workspaceWithStripe();
    // A payment_intent event without data.object cannot be processed.
    const broken = JSON.stringify({ ...stripeEvent("payment_intent.succeeded", {}), data: {} });
    expect((await deliverWebhook(signed(broken))).status).toBe(200);
    const event = await h.t.db.inboundEvent.findFirstOrThrow({ where: { workspaceId: user.workspaceId } });
    expect(event).toMatchObject({ state: "failed", attempts: 1 });
    expect(event.lastError).toMatch(/data\.object/);
    expect(event.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());

    // Not due yet: nothing happens.
    expect(await retryInboundEvents(h.t.db)).toMatchObject({ due: 0 });
    let clock = Date.now();
    for (let attempt = 2; attempt <= 5; attempt++) {
      clock += 3_600_000;
      const at = clock;
      expect(await retryInboundEvents(h.t.db, { now: () => new Date(at) })).toMatchObject({ due: 1, failed: 1 });
    }
    const last = await h.t.db.inboundEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(last).toMatchObject({ state: "failed", attempts: 5, nextAttemptAt: null });
    expect(await retryInboundEvents(h.t.db, { now: () => new Date(clock + 86_400_000) })).toMatchObject({ due: 0 });
  });
});

describe("payment intents", () => {
  it("creates an intent through Stripe with an idempotency key, linked to the registration", async () => {
    const { user } = await workspaceWithStripe();
    const reg = await registration(user.workspaceId, "not_required");
    const first = await createPaymentIntent(user, { registrationId: reg.id, currency: "eur", metadata: { source: "test" } });
    expect(first).toMatchObject({ amount: 4900, currency: "eur", status: "requires_payment_method", registrationId: reg.id });
    expect(first.clientSecret).toMatch(/^pi_.*_secret_/);
    const sent = h.fakes.stripe.requests.find((r) => r.path === "/v1/payment_intents")!;
    expect(sent.headers["idempotency-key"]).toBe(`plugboard-registration-${reg.id}-4900-eur`);
    expect(new URLSearchParams(sent.body).get("metadata[registrationId]")).toBe(reg.id);
    expect(new URLSearchParams(sent.body).get("automatic_payment_methods[enabled]")).toBe("true");
    expect(h.fakes.stripe.paymentIntents.get(first.id)?.metadata).toEqual({ source: "test", registrationId: reg.id });
    expect(await h.t.db.registration.findUniqueOrThrow({ where: { id: reg.id } })).toMatchObject({ paymentStatus: "pending", paymentIntentId: first.id });

    // Asking again (a double click, a retried request) returns the same intent, not a second one.
    const again = await createPaymentIntent(user, { registrationId: reg.id, currency: "eur", metadata: { source: "test" } });
    expect(again.id).toBe(first.id);
    expect(h.fakes.stripe.paymentIntents.size).toBe(1);
    expect(await h.t.db.payment.count()).toBe(1);

    // The same key with different parameters is Stripe's idempotency error, in words.
    const conflict = await rejection(createPaymentIntent(user, { amount: 5000, currency: "eur", metadata: {}, idempotencyKey: `plugboard-registration-${reg.id}-4900-eur` }));
    expect(conflict.status).toBe(422);
    expect(conflict.message).toMatch(/same parameters/);
  });

  it("answers 409 without Stripe and 404 for another workspace's registration", async () => {
    const user = await signedIn(h.t.db);
    expect((await rejection(createPaymentIntent(user, { amount: 1000, currency: "eur", metadata: {} }))).status).toBe(409);
    const other = await workspaceWithStripe(SECRET, "Other");
    const theirs = await registration(other.user.workspaceId);
    expect((await rejection(createPaymentIntent(user, { registrationId: theirs.id, currency: "eur", metadata: {} }))).status).toBe(404);
  });
});
