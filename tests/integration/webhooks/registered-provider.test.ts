// A provider that exists only here — a manifest and an inbound port, registered at run time —
// receives deliveries at /api/webhooks/<its id> through the one dynamic route, and the changes it
// reads out of them reach the business handlers (payments), with no change to any file outside
// its own definition. Also: what the dynamic route answers for addresses that are not webhooks.
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";
import type { CandidateConnection, InboundPort, Verification } from "@/lib/integrations/kit/ports/inbound";
import { registerProvider } from "@/lib/integrations/registry";
import { forgetCachedConnections } from "@/lib/webhooks-in/connections";
import { startWebhookReceiver, type FakeWebhookReceiver } from "@/tests/fakes/webhook-receiver";
import { signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { endpointAt } from "@/tests/integration/webhooks/harness";
import { deliverWebhook, storedConnection } from "@/tests/integration/webhooks/helpers";

const SIGNATURE_HEADER = "x-acme-signature";
const sign = (key: string, body: string) => crypto.createHmac("sha256", key).update(body).digest("hex");

/** Acme Pay signs the raw body with the connection's signing key; its events are JSON. */
const acmeInbound: InboundPort = {
  endpoints: {
    "": {
      async verify(request, lookup): Promise<Verification> {
        const signature = request.headers.get(SIGNATURE_HEADER);
        if (!signature) return { ok: false, verdict: "missing", reason: "Missing X-Acme-Signature" };
        const matches = (c: CandidateConnection) => Boolean(c.fields.signingKey) && sign(c.fields.signingKey!, request.rawBody) === signature;
        const cached = await lookup.all();
        const match = cached.candidates.find(matches) ?? (cached.fromCache ? (await lookup.all({ fresh: true })).candidates.find(matches) : undefined);
        if (!match) return { ok: false, verdict: "invalid", reason: "X-Acme-Signature does not match any Acme Pay signing key" };
        const event = JSON.parse(request.rawBody) as { id: string; type: string };
        return {
          ok: true,
          delivery: {
            provider: "acme-pay",
            workspaceId: match.workspaceId,
            connectionId: match.connectionId,
            dedupeKey: event.id,
            type: event.type,
            payload: JSON.parse(request.rawBody),
          },
        };
      },
    },
  },
  interprets: (type) => type === "payment.paid",
  interpret(event) {
    const { payment } = event.payload as { payment: { id: string; cents: number; currency: string; registration: string } };
    return [
      {
        kind: "payment.intent_outcome",
        intentId: payment.id,
        amount: payment.cents,
        currency: payment.currency,
        amountReceived: payment.cents,
        metadata: { registrationId: payment.registration },
        outcome: "succeeded",
        error: null,
      },
    ];
  },
};

const acmeManifest: ApiKeyManifest = {
  id: "acme-pay",
  name: "Acme Pay",
  category: "payments",
  description: "A payment provider known only to this test.",
  capabilities: ["api_key", "webhooks"],
  authType: "api_key",
  docsUrl: "https://acme.example/docs",
  icon: "/providers/acme-pay.svg",
  status: "available",
  slots: { inbound: async () => acmeInbound },
  api: {},
  fields: [{ name: "signingKey", label: "Signing key", type: "password", secret: true, required: true }],
  schema: z.object({ signingKey: z.string() }),
};

const h = useHarness();
let unregister: () => void;
let receiver: FakeWebhookReceiver;
beforeAll(async () => {
  unregister = registerProvider(acmeManifest);
  receiver = await startWebhookReceiver();
});
// Each test rebuilds the database; a cached candidate list would name connections that are gone.
beforeEach(() => forgetCachedConnections());
afterAll(async () => {
  unregister();
  await receiver.close();
});

const KEY = "acme-signing-key-0001";
const URL_ = "http://127.0.0.1/api/webhooks/acme-pay";

function acmeDelivery(event: object, key = KEY) {
  const body = JSON.stringify(event);
  return { url: URL_, headers: { "content-type": "application/json", [SIGNATURE_HEADER]: sign(key, body) }, body };
}

async function workspaceWithAcme() {
  const user = await signedIn(h.t.db);
  await storedConnection(h.t.db, user.workspaceId, "acme-pay", { signingKey: KEY });
  const session = await h.t.db.webinarSession.create({
    data: { workspaceId: user.workspaceId, title: "Intro", startsAt: new Date(Date.now() + 86_400_000), priceMinor: 2500, currency: "usd" },
  });
  const registration = await h.t.db.registration.create({
    data: { workspaceId: user.workspaceId, sessionId: session.id, name: "Ada", email: "ada@example.test", paymentStatus: "pending" },
  });
  return { user, registration };
}

describe("a provider registered from outside the app", () => {
  it("receives a delivery at /api/webhooks/<its id>, and its payment change reaches the payments handler", async () => {
    const { user, registration } = await workspaceWithAcme();
    await endpointAt(user, receiver, { events: ["payment.succeeded"] });
    const event = { id: "acme_evt_1", type: "payment.paid", payment: { id: "acme_pay_1", cents: 2500, currency: "usd", registration: registration.id } };

    const answer = await deliverWebhook(acmeDelivery(event));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ received: true, duplicate: false });
    expect(await h.t.db.inboundEvent.findFirstOrThrow()).toMatchObject({
      provider: "acme-pay",
      type: "payment.paid",
      dedupeKey: "acme_evt_1",
      signature: "verified",
      state: "processed",
      attempts: 1,
    });
    expect(await h.t.db.payment.findFirstOrThrow()).toMatchObject({
      workspaceId: user.workspaceId,
      paymentIntentId: "acme_pay_1",
      status: "completed",
      amountReceivedMinor: 2500,
      registrationId: registration.id,
    });
    expect(await h.t.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).toMatchObject({
      paymentStatus: "completed",
      paymentIntentId: "acme_pay_1",
      amountPaidMinor: 2500,
    });
    const raised = await h.t.db.webhookEvent.findMany({ where: { workspaceId: user.workspaceId } });
    expect(raised.map((e) => [e.type, JSON.parse(e.payload).data])).toEqual([
      ["payment.succeeded", { paymentIntentId: "acme_pay_1", amount: 2500, currency: "usd", registrationId: registration.id }],
    ]);

    // Redelivered: acknowledged as a duplicate, processed once.
    expect((await deliverWebhook(acmeDelivery(event))).body).toMatchObject({ duplicate: true });
    expect(await h.t.db.payment.count()).toBe(1);
    expect(await h.t.db.webhookEvent.count()).toBe(1);
  });

  it("records a refused delivery under its id, and stores types it does not interpret as ignored", async () => {
    const { user } = await workspaceWithAcme();
    const refused = await deliverWebhook(acmeDelivery({ id: "acme_evt_2", type: "payment.paid" }, "someone-elses-key"));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: "X-Acme-Signature does not match any Acme Pay signing key" });
    const ignored = await deliverWebhook(acmeDelivery({ id: "acme_evt_3", type: "customer.updated" }));
    expect(ignored.status).toBe(200);
    const rows = await h.t.db.inboundEvent.findMany({ orderBy: { receivedAt: "asc" }, select: { provider: true, type: true, state: true, signature: true, workspaceId: true } });
    expect(rows).toEqual([
      { provider: "acme-pay", type: "(unverified)", state: "rejected", signature: "invalid", workspaceId: null },
      { provider: "acme-pay", type: "customer.updated", state: "ignored", signature: "verified", workspaceId: user.workspaceId },
    ]);
    expect(await h.t.db.payment.count()).toBe(0);
  });
});

describe("addresses under /api/webhooks that are not a provider's webhook", () => {
  it("answers 404 JSON for unknown providers, providers without inbound webhooks and unknown sub-paths; 405 for a GET nobody answers", async () => {
    const body = JSON.stringify({ id: "x", type: "payment.paid" });
    for (const path of [
      "/api/webhooks/nobody",
      "/api/webhooks/sendgrid",
      "/api/webhooks/acme-pay/extra",
      "/api/webhooks/twilio",
      "/api/webhooks/twilio/constructor",
      "/api/webhooks/stripe/a/b",
      "/api/webhooks/Not%20An%20Id",
    ]) {
      const answer = await deliverWebhook({ url: `http://127.0.0.1${path}`, headers: { "content-type": "application/json" }, body });
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).toEqual({ error: expect.stringMatching(/No webhook endpoint at this address/) });
    }
    const get = await deliverWebhook({ url: URL_, method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await h.t.db.inboundEvent.count()).toBe(0);
  });
});
