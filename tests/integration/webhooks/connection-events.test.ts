// The foundation's connection flows raise their events into the outbox in the same transaction
// as the change: connected, error (when a connection turns to failing) and disconnected, each
// delivered, signed, to a subscribed endpoint.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectApiKey, disconnect, testConnection, updateConnection } from "@/lib/connections/api-key";
import { deliverDueWebhooks } from "@/lib/webhooks-out/deliver";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { startWebhookReceiver, type FakeWebhookReceiver } from "@/tests/fakes/webhook-receiver";
import { signedIn, useHarness } from "../integrations/setup";
import { endpointAt, LOCAL_POLICY } from "./harness";

const h = useHarness();
let receiver: FakeWebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

async function delivered() {
  await deliverDueWebhooks({ policy: LOCAL_POLICY });
  return receiver.received.map((r) => {
    expect(r.standardVerifiedWith, r.eventType).toHaveLength(1);
    return { type: r.eventType, data: JSON.parse(r.body).data as Record<string, unknown> };
  });
}

describe("connection events", () => {
  it("connecting, failing and disconnecting Stripe each raise one event", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, receiver, { events: ["connection.connected", "connection.disconnected", "connection.error"] });

    await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid });
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { workspaceId: user.workspaceId, providerId: "stripe" } });
    expect(await delivered()).toEqual([
      { type: "connection.connected", data: { providerId: "stripe", connectionId: connection.id, accountLabel: "Stripe (test mode) · EUR, USD" } },
    ]);

    // Editing a healthy connection is not a new "connected".
    await updateConnection(user, { providerId: "stripe" }, { webhookSecret: STRIPE_KEYS.webhookSecret });
    expect(await delivered()).toHaveLength(1);

    h.fakes.stripe.failNext({ status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided" } } }, 2);
    expect((await testConnection(user, { providerId: "stripe" })).ok).toBe(false);
    const [, error] = await delivered();
    expect(error).toMatchObject({ type: "connection.error", data: { providerId: "stripe", connectionId: connection.id, category: "auth" } });
    // Still failing: no second event.
    await testConnection(user, { providerId: "stripe" });
    expect(await delivered()).toHaveLength(2);

    await disconnect(user, { providerId: "stripe" });
    await disconnect(user, { providerId: "stripe" }); // idempotent, and silent the second time
    const events = await delivered();
    expect(events.slice(2)).toEqual([{ type: "connection.disconnected", data: { providerId: "stripe", connectionId: connection.id } }]);
    // Nothing leaks the key into an event.
    for (const r of receiver.received) expect(r.body).not.toContain("PlugboardValidKey");
  });

  it("raises nothing when the change does not happen", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, receiver);
    await expect(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.invalid })).rejects.toThrow();
    expect(await h.t.db.webhookEvent.count()).toBe(0);
  });
});
