// The drain applies a batch of payment events in one transaction, reading the batch's payments and
// registrations up front (preparePaymentChanges) instead of per event. The same events processed
// one by one must leave exactly the same payments, registrations and raised events: one workspace
// gets the batch, another the same events one at a time, and the two are compared.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "@/lib/integrations/kit/ports/inbound";
import { drainReceived, processInboundEvent, storeDelivery } from "@/lib/webhooks-in/store";
import { paymentIntentObject, refundedChargeObject, stripeEvent } from "@/tests/fakes/stripe";
import { signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();

/** A workspace with registrations in every situation the handlers tell apart, and a paused endpoint taking every event. */
async function workspace(name: string) {
  const user = await signedIn(h.t.db, "admin", name);
  const workspaceId = user.workspaceId;
  const session = await h.t.db.webinarSession.create({ data: { workspaceId, title: "Intro", startsAt: new Date(Date.now() + 86_400_000), priceMinor: 4900, currency: "eur" } });
  const registration = (role: string, paymentIntentId?: string) =>
    h.t.db.registration.create({ data: { workspaceId, sessionId: session.id, name: role, email: `${role}-${name}@example.test`, paymentStatus: "pending", paymentIntentId } });
  const byMetadata = await registration("by-metadata");
  await registration("by-intent", `pi_${name}_by_intent`);
  const created = await registration("created-by-plugboard");
  await h.t.db.payment.create({ data: { workspaceId, paymentIntentId: `pi_${name}_created`, amountMinor: 4900, currency: "eur", registrationId: created.id } });
  await h.t.db.webhookEndpoint.create({
    data: { id: `ep_${name}`, workspaceId, name, url: "https://hooks.example.com/x", events: ["*"], status: "paused", secretCiphertext: "x", secretKeyId: "x" },
  });
  return { name, workspaceId, byMetadata: byMetadata.id };
}

const intent = (type: "payment_intent.succeeded" | "payment_intent.payment_failed", id: string, metadata: Record<string, string> = {}) =>
  stripeEvent(type, paymentIntentObject({ id, amount: 4900, metadata }, type === "payment_intent.succeeded" ? "succeeded" : "failed"));
const refund = (id: string, refunded: number) => stripeEvent("charge.refunded", refundedChargeObject(id, 4900, refunded));

// Intent ids are unique across workspaces (a registration's is): each workspace has its own.
function events({ name, byMetadata }: { name: string; byMetadata: string }) {
  const pi = (id: string) => `pi_${name}_${id}`;
  return [
    intent("payment_intent.succeeded", pi("by_metadata"), { registrationId: byMetadata }),
    intent("payment_intent.succeeded", pi("by_intent")),
    intent("payment_intent.succeeded", pi("created")),
    // Failed, then paid, in one batch: the second sees the payment the first created.
    intent("payment_intent.payment_failed", pi("retried")),
    intent("payment_intent.succeeded", pi("retried")),
    // Paid, then refunded in full and again in part (a late event): in order, nothing undone.
    intent("payment_intent.succeeded", pi("refunded")),
    refund(pi("refunded"), 4900),
    refund(pi("refunded"), 1000),
    // A refund for an intent nobody recorded yet, then its success arriving late.
    refund(pi("refund_first"), 2000),
    intent("payment_intent.succeeded", pi("refund_first")),
    // A registration id that does not exist in this workspace.
    intent("payment_intent.succeeded", pi("unknown_registration"), { registrationId: "no-such-registration" }),
    // A late failure after success must not undo it.
    intent("payment_intent.succeeded", pi("late_failure")),
    intent("payment_intent.payment_failed", pi("late_failure")),
  ];
}

async function store(workspaceId: string, list: ReturnType<typeof events>): Promise<string[]> {
  const ids: string[] = [];
  for (const event of list) {
    const receipt = await storeDelivery(
      h.t.db,
      { provider: "stripe", workspaceId, connectionId: null, dedupeKey: event.id, type: event.type as string, payload: event as unknown as JsonObject },
      100,
    );
    ids.push(receipt.eventId);
  }
  return ids;
}

/** What processing left in a workspace, without ids and times. */
async function outcome({ name, workspaceId, byMetadata }: { name: string; workspaceId: string; byMetadata: string }) {
  const intentOf = (id: string | null | undefined) => id?.replace(`pi_${name}_`, "pi_") ?? null;
  const registrations = (
    await h.t.db.registration.findMany({ where: { workspaceId }, select: { id: true, name: true, paymentStatus: true, paymentIntentId: true, amountPaidMinor: true } })
  ).map((r) => ({ ...r, paymentIntentId: intentOf(r.paymentIntentId) }));
  const role = (id: string | null) => (id === null ? null : id === byMetadata ? "by-metadata" : (registrations.find((r) => r.id === id)?.name ?? "?"));
  const payments = await h.t.db.payment.findMany({ where: { workspaceId }, orderBy: { paymentIntentId: "asc" } });
  const raised = await h.t.db.webhookEvent.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return {
    registrations: registrations.map(({ id: _id, ...r }) => r).sort((a, b) => a.name.localeCompare(b.name)),
    payments: payments.map((p) => ({
      intent: intentOf(p.paymentIntentId),
      status: p.status,
      amount: p.amountMinor,
      received: p.amountReceivedMinor,
      refunded: p.amountRefundedMinor,
      registration: role(p.registrationId),
      lastError: p.lastError,
    })),
    raised: raised.map((e) => {
      const data = (JSON.parse(e.payload) as { data: Record<string, unknown> }).data;
      return { type: e.type, ...data, paymentIntentId: intentOf(data.paymentIntentId as string), registrationId: role((data.registrationId as string | null) ?? null) };
    }),
  };
}

describe("a batch of payment events", () => {
  it("leaves what processing the same events one by one leaves", async () => {
    const batched = await workspace("batched");
    const single = await workspace("single");
    await store(batched.workspaceId, events(batched));
    const singleIds = await store(single.workspaceId, events(single));
    // One by one first (each in a transaction of its own), then the drain takes the rest as one batch.
    for (const id of singleIds) expect(await processInboundEvent(h.t.db, id)).toMatchObject({ state: "processed" });
    expect(await drainReceived(h.t.db)).toBe(singleIds.length);

    const expected = await outcome(single);
    expect(await outcome(batched)).toEqual(expected);
    // And what that is, so both paths cannot be wrong together unnoticed.
    expect(expected.payments.map((p) => [p.intent, p.status, p.refunded, p.registration])).toEqual([
      ["pi_by_intent", "completed", 0, "by-intent"],
      ["pi_by_metadata", "completed", 0, "by-metadata"],
      ["pi_created", "completed", 0, "created-by-plugboard"],
      ["pi_late_failure", "completed", 0, null],
      ["pi_refund_first", "completed", 2000, null],
      ["pi_refunded", "refunded", 4900, null],
      ["pi_retried", "completed", 0, null],
      ["pi_unknown_registration", "completed", 0, null],
    ]);
    expect(expected.registrations.map((r) => [r.name, r.paymentStatus])).toEqual([
      ["by-intent", "completed"],
      ["by-metadata", "completed"],
      ["created-by-plugboard", "completed"],
    ]);
    expect(expected.raised.map((e) => e.type)).toContain("payment.failed");
  });
});
