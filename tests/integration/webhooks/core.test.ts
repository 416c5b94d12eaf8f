// The inbound store itself: racing deliveries and racing processors, the dashboard list with its
// filters and counts, and Reprocess — scoped to the workspace, admins only.
import { describe, expect, it } from "vitest";
import { listInboundEvents, reprocessInboundEvent, getInboundEvent, inboundQuerySchema } from "@/lib/webhooks-in/admin";
import type { VerifiedDelivery } from "@/lib/integrations/kit/ports/inbound";
import { drainReceived, processInboundEvent, storeDelivery } from "@/lib/webhooks-in/store";
import { colleague, rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();

function mailchimpDelivery(workspaceId: string, type: string, email: string, key = `sha256:${email}:${type}`): VerifiedDelivery {
  return { provider: "mailchimp", workspaceId, connectionId: null, dedupeKey: key, type, payload: { type, fired_at: "2026-11-21 10:00:00", data: { email } } };
}

describe("inbound event store", () => {
  it("keeps one event for racing deliveries of the same event, counting each", async () => {
    const user = await signedIn(h.t.db);
    const delivery = mailchimpDelivery(user.workspaceId, "subscribe", "race@example.test");
    const receipts = await Promise.all(Array.from({ length: 6 }, () => storeDelivery(h.t.db, delivery, 100)));
    expect(new Set(receipts.map((r) => r.eventId)).size).toBe(1);
    expect(receipts.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await h.t.db.inboundEvent.findFirstOrThrow()).toMatchObject({ deliveries: 6, state: "received" });
  });

  it("lets only one of several racing processors run the handler", async () => {
    const user = await signedIn(h.t.db);
    const { eventId } = await storeDelivery(h.t.db, mailchimpDelivery(user.workspaceId, "subscribe", "once@example.test"), 100);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => processInboundEvent(h.t.db, eventId)));
    expect(outcomes.filter((o) => o.claimed)).toEqual([{ claimed: true, state: "processed" }]);
    expect(await h.t.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ attempts: 1, state: "processed" });
    expect(await h.t.db.contact.count()).toBe(1);
    // A processed event is never claimed again.
    expect(await processInboundEvent(h.t.db, eventId)).toEqual({ claimed: false, state: "skipped" });
  });

  it("rolls back a handler's partial changes when it fails, and keeps the error", async () => {
    const user = await signedIn(h.t.db);
    const { eventId } = await storeDelivery(h.t.db, { ...mailchimpDelivery(user.workspaceId, "upemail", ""), payload: { type: "upemail", data: { old_email: "a@b.test" } } }, 10);
    expect(await processInboundEvent(h.t.db, eventId)).toMatchObject({ claimed: true, state: "failed", error: expect.stringMatching(/new_email/) });
    expect(await h.t.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ state: "failed", lockedUntil: null });
  });
});

describe("draining received events in batches", () => {
  it("processes a batch in order in one go; a failing event rolls the batch back and only it is marked failed", async () => {
    const user = await signedIn(h.t.db);
    // subscribe, unsubscribe, subscribe again of one address: the order decides the outcome.
    for (const [i, type] of ["subscribe", "unsubscribe", "subscribe"].entries()) {
      await storeDelivery(h.t.db, mailchimpDelivery(user.workspaceId, type, "order@example.test", `sha256:order-${i}`), 10);
    }
    await storeDelivery(h.t.db, { ...mailchimpDelivery(user.workspaceId, "profile", "", "sha256:broken"), payload: { type: "profile", data: {} } }, 10);
    await storeDelivery(h.t.db, mailchimpDelivery(user.workspaceId, "subscribe", "after@example.test"), 10);
    expect(await drainReceived(h.t.db)).toBe(5);
    const states = await h.t.db.inboundEvent.findMany({ orderBy: [{ receivedAt: "asc" }, { id: "asc" }], select: { dedupeKey: true, state: true, attempts: true } });
    expect(states.map((s) => [s.dedupeKey, s.state, s.attempts])).toEqual([
      ["sha256:order-0", "processed", 1],
      ["sha256:order-1", "processed", 1],
      ["sha256:order-2", "processed", 1],
      ["sha256:broken", "failed", 1],
      ["sha256:after@example.test:subscribe", "processed", 1],
    ]);
    expect(await h.t.db.contact.findFirstOrThrow({ where: { email: "order@example.test" } })).toMatchObject({ status: "subscribed", optedOutAt: null });
    expect(await h.t.db.contact.count()).toBe(2);
    expect(await drainReceived(h.t.db)).toBe(0);
  });
});

describe("dashboard list and reprocess", () => {
  it("lists the workspace's events newest first, filtered, with counts per state", async () => {
    const user = await signedIn(h.t.db);
    const other = await signedIn(h.t.db, "admin", "Other");
    await storeDelivery(h.t.db, mailchimpDelivery(user.workspaceId, "subscribe", "a@example.test"), 10);
    await storeDelivery(h.t.db, mailchimpDelivery(user.workspaceId, "mystery", "b@example.test"), 10);
    await storeDelivery(h.t.db, { provider: "stripe", workspaceId: user.workspaceId, connectionId: null, dedupeKey: "evt_9", type: "customer.created", payload: {} }, 10);
    await storeDelivery(h.t.db, mailchimpDelivery(other.workspaceId, "subscribe", "c@example.test"), 10);
    await h.t.db.inboundEvent.create({
      data: { workspaceId: user.workspaceId, provider: "stripe", type: "(unverified)", signature: "invalid", state: "rejected", lastError: "bad signature" },
    });

    const all = await listInboundEvents(user.workspaceId, inboundQuerySchema.parse({}));
    expect(all.total).toBe(4);
    expect(all.counts).toMatchObject({ received: 1, ignored: 2, rejected: 1, processed: 0 });
    expect(all.items.map((i) => i.type)).toEqual(["(unverified)", "customer.created", "mystery", "subscribe"]);
    expect(all.items.find((i) => i.type === "subscribe")).toMatchObject({ canReprocess: true, signature: "verified" });
    expect(all.items.find((i) => i.type === "customer.created")).toMatchObject({ canReprocess: false });

    const filtered = await listInboundEvents(user.workspaceId, inboundQuerySchema.parse({ provider: "mailchimp", state: "ignored" }));
    expect(filtered.items.map((i) => i.type)).toEqual(["mystery"]);
    expect((await listInboundEvents(user.workspaceId, inboundQuerySchema.parse({ signature: "invalid" }))).items).toHaveLength(1);
    expect((await listInboundEvents(user.workspaceId, inboundQuerySchema.parse({ type: "CUSTOMER" }))).items).toHaveLength(1);
    expect(inboundQuerySchema.safeParse({ state: "exploded" }).success).toBe(false);
    expect(inboundQuerySchema.safeParse({ pageSize: "1000" }).success).toBe(false);
  });

  it("reprocesses a failed event for an admin, refuses viewers, processed events and other workspaces", async () => {
    const admin = await signedIn(h.t.db);
    const viewer = await colleague(h.t.db, admin, "viewer");
    const stranger = await signedIn(h.t.db, "admin", "Stranger");
    // Fails: no email yet; then the payload is fixed (as a handler fix would) and Reprocess succeeds.
    const { eventId } = await storeDelivery(h.t.db, { ...mailchimpDelivery(admin.workspaceId, "subscribe", "x"), payload: { type: "subscribe", data: {} } }, 10);
    expect((await processInboundEvent(h.t.db, eventId)).state).toBe("failed");

    expect((await rejection(reprocessInboundEvent(viewer, eventId))).status).toBe(403);
    expect((await rejection(reprocessInboundEvent(stranger, eventId))).status).toBe(404);
    expect((await rejection(getInboundEvent(stranger.workspaceId, eventId))).status).toBe(404);

    const again = await reprocessInboundEvent(admin, eventId);
    expect(again).toMatchObject({ state: "failed", attempts: 2 });
    await h.t.db.inboundEvent.update({ where: { id: eventId }, data: { payload: { type: "subscribe", data: { email: "fixed@example.test" } } } });
    const done = await reprocessInboundEvent(admin, eventId);
    expect(done).toMatchObject({ state: "processed", attempts: 3, lastError: null, payload: { data: { email: "fixed@example.test" } } });
    expect(await h.t.db.contact.count({ where: { email: "fixed@example.test" } })).toBe(1);
    const refused = await rejection(reprocessInboundEvent(admin, eventId));
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/already processed/);
    expect(await h.t.db.auditLog.count({ where: { action: "inbound_event.reprocess" } })).toBe(2);
  });
});
