// Refused inbound deliveries (missing or wrong signature, unknown connection): their records are
// pruned after INBOUND_WEBHOOK_REFUSED_RETENTION_HOURS, and one client address gets a 429 instead
// of a record past INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS per window.
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pruneOldRecords } from "@/lib/jobs/prune";
import { storeDelivery } from "@/lib/webhooks-in/store";
import { signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { forgetCachedConnections } from "@/lib/webhooks-in/connections";
import { STRIPE_KEYS, paymentIntentObject, stripeEvent } from "@/tests/fakes/stripe";
import { deliverWebhook, storedConnection, useEnv } from "@/tests/integration/webhooks/helpers";

const h = useHarness();

const HOUR = 3600_000;
const STRIPE_URL = "http://127.0.0.1/api/webhooks/stripe";
const unsigned = (from: string) => deliverWebhook({ url: STRIPE_URL, headers: { "content-type": "application/json", "x-forwarded-for": from }, body: "{}" });

useEnv({ INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS: "5", INBOUND_WEBHOOK_REFUSAL_WINDOW_SECONDS: "600" });

describe("records of refused deliveries", () => {
  it("are pruned a day after they arrived; accepted events and recent refusals stay", async () => {
    const user = await signedIn(h.t.db);
    for (let i = 0; i < 6; i++) expect((await unsigned(`192.0.2.${i}`)).status).toBe(401);
    const accepted = await storeDelivery(
      h.t.db,
      { provider: "mailchimp", workspaceId: user.workspaceId, connectionId: null, dedupeKey: "sha256:kept", type: "campaign", payload: { type: "campaign" } },
      10,
    );
    const now = new Date();
    const refused = await h.t.db.inboundEvent.findMany({ where: { state: "rejected" }, select: { id: true }, orderBy: { id: "asc" } });
    expect(refused).toHaveLength(6);
    const [recent, old] = [refused.slice(0, 2).map((r) => r.id), refused.slice(2).map((r) => r.id)];
    await h.t.db.inboundEvent.updateMany({ where: { id: { in: recent } }, data: { receivedAt: new Date(now.getTime() - 23 * HOUR) } });
    await h.t.db.inboundEvent.updateMany({ where: { id: { in: old } }, data: { receivedAt: new Date(now.getTime() - 25 * HOUR) } });
    await h.t.db.inboundEvent.update({ where: { id: accepted.eventId }, data: { receivedAt: new Date(now.getTime() - 72 * HOUR) } });

    expect(await pruneOldRecords(h.t.db, now)).toMatchObject({ refusedWebhooksDeleted: 4 });
    const left = await h.t.db.inboundEvent.findMany({ select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([...recent, accepted.eventId].sort());
  });
});

describe("refusals per client address", () => {
  // 30 s into a 600 s window (windows start at multiples of their length), on a clock that only moves when told.
  const windowStart = new Date("2026-12-04T10:00:00Z");
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date(windowStart.getTime() + 30_000) });
    forgetCachedConnections();
  });
  afterEach(() => vi.useRealTimers());

  it("past the limit answer 429 with the seconds left in the window and record nothing; signed deliveries from the address still go through", async () => {
    const user = await signedIn(h.t.db);
    await storedConnection(h.t.db, user.workspaceId, "stripe", { secretKey: STRIPE_KEYS.valid, webhookSecret: STRIPE_KEYS.webhookSecret });
    const attacker = "203.0.113.7";

    const burst = await Promise.all(Array.from({ length: 12 }, () => unsigned(attacker)));
    expect(burst.filter((a) => a.status === 401)).toHaveLength(5);
    const limited = burst.filter((a) => a.status === 429);
    expect(limited).toHaveLength(7);
    for (const answer of limited) {
      expect(answer.headers.get("retry-after")).toBe("570");
      expect(answer.body).toEqual({ error: "Too many refused webhook deliveries from this address; try again in 570 s" });
    }
    expect(await h.t.db.inboundEvent.count({ where: { state: "rejected" } })).toBe(5);

    // A signed delivery from the same address is accepted; a refused URL check is limited too.
    const payload = JSON.stringify(stripeEvent("payment_intent.succeeded", paymentIntentObject({ id: "pi_limited", amount: 100 }, "succeeded")));
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_KEYS.webhookSecret });
    const signed = await deliverWebhook({
      url: STRIPE_URL,
      headers: { "content-type": "application/json", "stripe-signature": header, "x-forwarded-for": attacker },
      body: payload,
    });
    expect(signed.status).toBe(200);
    const check = await deliverWebhook({ url: "http://127.0.0.1/api/webhooks/mailchimp/some-connection?secret=guess", method: "GET", headers: { "x-forwarded-for": attacker } });
    expect(check.status).toBe(429);

    // Another address has its own count; the next window starts afresh.
    expect((await unsigned("198.51.100.2")).status).toBe(401);
    vi.setSystemTime(new Date(windowStart.getTime() + 600_000));
    expect((await unsigned(attacker)).status).toBe(401);
    expect(await h.t.db.inboundEvent.count({ where: { state: "rejected" } })).toBe(7);
    expect(await h.t.db.inboundEvent.count({ where: { signature: "verified" } })).toBe(1);
  });
});
