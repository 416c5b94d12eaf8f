// The delivery engine against a local receiver that verifies every signature with the Standard
// Webhooks reference library: the outbox, signing, rotation, the retry schedule on a test clock,
// Retry-After, an outage caught up without losing a message, 410 and auto-disable (messages
// waiting, not failed), SSRF refusals at delivery time, crash recovery and concurrent runs. Real
// database (PostgreSQL and PGlite), real HTTP; only time and DNS are fakes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { emitEvent } from "@/lib/events";
import { claimDueDeliveries, CLAIM_LEASE_MS, deliverDueWebhooks, runWebhookCron, type DeliveryOptions } from "@/lib/webhooks-out/deliver";
import { resendDelivery, resendFailedSince } from "@/lib/webhooks-out/deliveries";
import { rotateSecret, updateEndpoint } from "@/lib/webhooks-out/endpoints";
import { MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from "@/lib/webhooks-out/schedule";
import { signedIn } from "../integrations/setup";
import { endpointAt, fakeResolver, LOCAL_POLICY, STRICT_POLICY, testClock, useWebhookHarness, type TestClock } from "./harness";

const h = useWebhookHarness();
const HOUR = 3600_000;

/** Engine options on the test clock; the receiver checks timestamps against the same clock. */
function engine(clock: TestClock, extra: DeliveryOptions = {}): DeliveryOptions {
  h.receiver.setClock(clock.now);
  return { now: clock.now, policy: LOCAL_POLICY, random: () => 0.5, ...extra };
}

async function raise(workspaceId: string, type: "connection.connected" | "booking.created" = "connection.connected", data: Record<string, unknown> = { providerId: "stripe" }) {
  const queued = await h.t.db.$transaction((tx) => emitEvent(tx, { workspaceId, type, data }));
  return queued!;
}

async function deliveryOf(eventId: string) {
  return h.t.db.webhookDelivery.findFirstOrThrow({ where: { eventId }, include: { attempts: { orderBy: { attemptNumber: "asc" } } } });
}

describe("the outbox", () => {
  it("writes the event and one delivery per subscribed endpoint in the caller's transaction, and nothing when it rolls back", async () => {
    const user = await signedIn(h.t.db);
    const all = await endpointAt(user, h.receiver, { name: "All" });
    const bookings = await endpointAt(user, h.receiver, { name: "Bookings", events: ["booking.created"] });
    const paused = await endpointAt(user, h.receiver, { name: "Paused", status: "paused" });
    const other = await signedIn(h.t.db, "admin", "Other workspace");
    await endpointAt(other, h.receiver, { name: "Elsewhere" });

    await expect(
      h.t.db.$transaction(async (tx) => {
        await emitEvent(tx, { workspaceId: user.workspaceId, type: "connection.connected", data: {} });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await h.t.db.webhookEvent.count()).toBe(0);
    expect(await h.t.db.webhookDelivery.count()).toBe(0);

    const queued = await raise(user.workspaceId);
    expect(queued.eventId).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    const deliveries = await h.t.db.webhookDelivery.findMany({ where: { eventId: queued.eventId } });
    expect(deliveries.map((d) => d.endpointId).sort()).toEqual([all.endpoint.id, paused.endpoint.id].sort());
    expect(deliveries.every((d) => d.status === "pending" && d.eventType === "connection.connected")).toBe(true);
    expect((await raise(user.workspaceId, "booking.created")).deliveries).toBe(3);
    expect(bookings.endpoint.events).toEqual(["booking.created"]);

    // Nobody subscribed: nothing stored.
    const lonely = await signedIn(h.t.db, "admin", "No endpoints");
    expect(await h.t.db.$transaction((tx) => emitEvent(tx, { workspaceId: lonely.workspaceId, type: "sync.failed", data: {} }))).toBeNull();
  });

  it("a paused endpoint keeps its deliveries queued and receives them once resumed", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver, { status: "paused" });
    const queued = await raise(user.workspaceId);
    const clock = testClock();
    expect((await deliverDueWebhooks(engine(clock))).attempted).toBe(0);
    expect(h.receiver.received).toHaveLength(0);
    await updateEndpoint(user, endpoint.id, { status: "active" }, { policy: LOCAL_POLICY });
    expect((await deliverDueWebhooks(engine(clock))).succeeded).toBe(1);
    expect(h.receiver.count(queued.eventId)).toBe(1);
  });
});

describe("signing", () => {
  it("signs so that the Standard Webhooks library verifies it, with the simple headers and custom headers too", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint, secret } = await endpointAt(user, h.receiver, { headers: { Authorization: "Bearer receiver-token-123", "X-Team": "ops" } });
    const queued = await raise(user.workspaceId, "booking.created", { bookingReference: "BK-1" });
    const clock = testClock();
    expect(await deliverDueWebhooks(engine(clock))).toMatchObject({ attempted: 1, succeeded: 1, failed: 0 });

    const [got] = h.receiver.received;
    expect(got!.verifyError).toBeUndefined();
    expect(got!.standardVerifiedWith).toEqual([secret]);
    expect(got!.simpleVerifiedWith).toEqual([secret]);
    expect(got!.path).toBe("/hooks");
    expect(got!.headers).toMatchObject({
      "webhook-id": queued.eventId,
      "webhook-timestamp": String(Math.floor(clock.now().getTime() / 1000)),
      "x-webhook-id": queued.eventId,
      "x-webhook-event": "booking.created",
      "content-type": "application/json",
      authorization: "Bearer receiver-token-123",
      "x-team": "ops",
    });
    expect(got!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(got!.headers["x-webhook-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(got!.body)).toEqual({ type: "booking.created", timestamp: expect.any(String), data: { bookingReference: "BK-1" } });

    // A receiver with another secret refuses it: the signature really depends on the secret.
    h.receiver.setSecrets(["whsec_" + Buffer.alloc(32, 7).toString("base64")]);
    await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    expect(h.receiver.received[1]!.standardVerifiedWith).toEqual([]);
    expect(h.receiver.received[1]!.simpleVerifiedWith).toEqual([]);
    const log = await h.t.db.webhookAttempt.findFirstOrThrow({ where: { endpointId: endpoint.id, ok: false } });
    expect(log.statusCode).toBe(401);
  });

  it("after a rotation both secrets sign for 24 hours, then only the new one", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint, secret: oldSecret } = await endpointAt(user, h.receiver);
    const clock = testClock();
    const rotated = await rotateSecret(user, endpoint.id, { now: clock.now });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.endpoint.previousSecretExpiresAt!.getTime()).toBe(clock.now().getTime() + 24 * HOUR);

    // A receiver that still knows only the old secret accepts, and so does one with only the new.
    h.receiver.setSecrets([oldSecret, rotated.secret]);
    await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    const during = h.receiver.received[0]!;
    expect(during.standardVerifiedWith.sort()).toEqual([oldSecret, rotated.secret].sort());
    expect(during.simpleVerifiedWith.sort()).toEqual([oldSecret, rotated.secret].sort());
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);

    clock.advance(24 * HOUR + 1000);
    await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    const after = h.receiver.received[1]!;
    expect(after.standardVerifiedWith).toEqual([rotated.secret]);
    expect(after.simpleVerifiedWith).toEqual([rotated.secret]);
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
  });
});

describe("retries", () => {
  it("follows the schedule on a test clock: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    h.receiver.failNext({ status: 500 }, 100);
    const queued = await raise(user.workspaceId);
    const clock = testClock();

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect((await deliverDueWebhooks(engine(clock))).attempted, `attempt ${attempt}`).toBe(1);
      const delivery = await deliveryOf(queued.eventId);
      expect(delivery.attemptCount).toBe(attempt);
      if (attempt === MAX_ATTEMPTS) {
        expect(delivery.status).toBe("failed");
        expect(delivery.nextAttemptAt).toBeNull();
        break;
      }
      expect(delivery.status).toBe("pending");
      // random 0.5 → no jitter: exactly the schedule.
      expect(delivery.nextAttemptAt!.getTime() - clock.now().getTime()).toBe(RETRY_SCHEDULE_MS[attempt]);
      // Not due yet: a run a moment before sends nothing.
      clock.advance(RETRY_SCHEDULE_MS[attempt]! - 1);
      expect((await deliverDueWebhooks(engine(clock))).attempted).toBe(0);
      clock.advance(1);
    }
    expect(h.receiver.count(queued.eventId)).toBe(MAX_ATTEMPTS);
    const attempts = (await deliveryOf(queued.eventId)).attempts;
    expect(attempts.map((a) => a.attemptNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(attempts.every((a) => a.statusCode === 500 && a.error === "The endpoint answered 500" && a.responseBody?.includes("injected 500"))).toBe(true);
  });

  it("a run right after the request waits for the 5-second retry instead of leaving it to cron", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    h.receiver.failNext({ status: 500 });
    const queued = await raise(user.workspaceId);
    const clock = testClock();
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      clock.advance(ms);
    };
    const report = await deliverDueWebhooks(engine(clock, { eventIds: [queued.eventId], followUpWithinMs: 10_000, sleep }));
    expect(report).toMatchObject({ attempted: 2, failed: 1, succeeded: 1 });
    expect(slept).toEqual([RETRY_SCHEDULE_MS[1]]);
    // Failing twice: it waits for the 5-second step, not for the 5-minute one (left to cron).
    h.receiver.failNext({ status: 500 }, 2);
    const later = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { eventIds: [later.eventId], followUpWithinMs: 10_000, sleep }));
    expect(slept).toHaveLength(2);
    expect(await deliveryOf(later.eventId)).toMatchObject({ status: "pending", attemptCount: 2 });
  });

  it("spreads each wait by at most ±20 %", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    h.receiver.failNext({ status: 503 }, 2);
    const low = await raise(user.workspaceId);
    const clock = testClock();
    await deliverDueWebhooks(engine(clock, { random: () => 0 }));
    expect((await deliveryOf(low.eventId)).nextAttemptAt!.getTime() - clock.now().getTime()).toBe(4_000);
    const high = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { random: () => 0.999999, eventIds: [high.eventId] }));
    expect((await deliveryOf(high.eventId)).nextAttemptAt!.getTime() - clock.now().getTime()).toBe(6_000);
  });

  it("honours Retry-After on 429 and 503", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    h.receiver.failNext({ status: 429, retryAfter: 120 });
    const queued = await raise(user.workspaceId);
    const clock = testClock();
    await deliverDueWebhooks(engine(clock));
    expect((await deliveryOf(queued.eventId)).nextAttemptAt!.getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(60_000);
    expect((await deliverDueWebhooks(engine(clock))).attempted).toBe(0);
    clock.advance(60_000);
    expect((await deliverDueWebhooks(engine(clock))).succeeded).toBe(1);
  });

  it("gives up after the 15 s timeout (shortened here) and keeps at most 4 KB of an answer", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    h.receiver.failNext({ status: 500, body: { junk: "x".repeat(20_000) } });
    const big = await raise(user.workspaceId);
    const clock = testClock();
    await deliverDueWebhooks(engine(clock));
    const body = (await deliveryOf(big.eventId)).attempts[0]!.responseBody!;
    expect(Buffer.byteLength(body)).toBe(4096);

    // A receiver that never answers (its own server, so the hung request cannot leak into other tests).
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      await h.t.db.webhookEndpoint.updateMany({ data: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hooks` } });
      const slow = await raise(user.workspaceId);
      await deliverDueWebhooks(engine(clock, { timeoutMs: 100, eventIds: [slow.eventId] }));
      const attempt = (await deliveryOf(slow.eventId)).attempts[0]!;
      expect(attempt).toMatchObject({ ok: false, statusCode: null, error: "Timed out after 100 ms" });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe("failing and disabled endpoints", () => {
  it("a receiver down for 3 hours: 500 events, cron every minute — once it is back, all 500 delivered exactly once, with no admin action", { timeout: 240_000 }, async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver);
    const clock = testClock();
    const DOWN_MINUTES = 180;
    const EVENTS = 500;
    const eventIds: string[] = [];
    h.receiver.failAll({ status: 503 });
    let minute = 0;
    for (; minute < 24 * 60; minute++, clock.advance(60_000)) {
      if (minute === DOWN_MINUTES) {
        // Just before it comes back: nothing disabled, nothing given up, the failures on record.
        expect(await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ status: "active", failingSince: expect.any(Date) });
        expect(await h.t.db.webhookDelivery.count({ where: { status: { not: "pending" } } })).toBe(0);
        h.receiver.failAll(null);
      }
      // The events arrive spread over the outage, a few a minute, each due when raised.
      const due = minute < DOWN_MINUTES ? Math.floor(((minute + 1) * EVENTS) / DOWN_MINUTES) - Math.floor((minute * EVENTS) / DOWN_MINUTES) : 0;
      if (due) {
        await h.t.db.$transaction(async (tx) => {
          for (let i = 0; i < due; i++) {
            const queued = await emitEvent(tx, { workspaceId: user.workspaceId, type: "booking.created", data: { bookingReference: `BK-${i}` }, occurredAt: clock.now() });
            if (queued) eventIds.push(queued.eventId);
          }
        });
      }
      await runWebhookCron(engine(clock));
      if (minute > DOWN_MINUTES && !(await h.t.db.webhookDelivery.count({ where: { status: "pending" } }))) break;
    }
    expect(eventIds).toHaveLength(EVENTS);
    expect(await h.t.db.webhookDelivery.count({ where: { status: "succeeded" } })).toBe(EVENTS);
    expect(eventIds.filter((id) => h.receiver.accepted(id) !== 1)).toEqual([]);
    expect(h.receiver.received.filter((r) => r.status === 200)).toHaveLength(EVENTS);
    expect(await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ status: "active", failingSince: null, disabledAt: null });
    expect(await h.t.db.integrationActivity.count({ where: { operation: "webhook.endpoint.disabled" } })).toBe(0);
    // The last of them went out on their 5-hour retry, well within a day.
    expect(minute).toBeLessThan(DOWN_MINUTES + 5 * 60);
  });

  it("410 Gone disables the endpoint at once and tells the admins; its messages wait, the one answered 410 too", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver, { name: "Gone", events: ["connection.connected", "endpoint.disabled"] });
    const watcher = await endpointAt(user, h.receiver, { name: "Watcher", events: ["endpoint.disabled"] });
    h.receiver.failNext({ status: 410 });
    const first = await raise(user.workspaceId);
    const second = await raise(user.workspaceId);
    const clock = testClock();
    await deliverDueWebhooks(engine(clock, { eventIds: [first.eventId] }));

    const saved = await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(saved).toMatchObject({ status: "disabled", disabledReason: "it answered 410 Gone" });
    expect(await deliveryOf(first.eventId)).toMatchObject({ status: "pending", attemptCount: 1, lastStatusCode: 410, lockedUntil: null });
    expect(await deliveryOf(second.eventId)).toMatchObject({ status: "pending", attemptCount: 0, lockedUntil: null });
    const activity = await h.t.db.integrationActivity.findFirstOrThrow({ where: { workspaceId: user.workspaceId, operation: "webhook.endpoint.disabled" } });
    expect(activity.message).toContain('"Gone"');
    expect(activity.message).toContain("410");
    expect(activity.message).toContain("2 queued messages");

    // The other endpoint hears about it, signed like any event; the disabled one gets nothing more
    // (nor its own notice, even though it subscribes to endpoint.disabled).
    h.receiver.setSecrets([watcher.secret]);
    const before = h.receiver.received.length;
    clock.advance(HOUR);
    await deliverDueWebhooks(engine(clock));
    const notices = h.receiver.received.slice(before);
    expect(notices.map((r) => r.eventType)).toEqual(["endpoint.disabled"]);
    expect(notices[0]!.standardVerifiedWith).toEqual([watcher.secret]);
    expect(JSON.parse(notices[0]!.body).data).toEqual({ endpointId: endpoint.id, name: "Gone", url: endpoint.url, reason: "it answered 410 Gone" });
    expect(await h.t.db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(2);
  });

  it("rows a run holds when it stops sending to an endpoint go back to waiting, and go out as soon as the endpoint is enabled", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver);
    const events = [];
    for (let i = 0; i < 5; i++) events.push(await raise(user.workspaceId));
    h.receiver.failNext({ status: 410 });
    const clock = testClock();
    // One claim takes all five; the first answer (410) disables the endpoint mid-run.
    expect(await deliverDueWebhooks(engine(clock, { concurrency: 1, batchSize: 10 }))).toMatchObject({ attempted: 1, endpointsDisabled: 1 });
    const rows = await h.t.db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(rows.map((r) => [r.status, r.lockedUntil, r.claimToken])).toEqual(Array.from({ length: 5 }, () => ["pending", null, null]));
    expect(rows.map((r) => r.attemptCount).sort()).toEqual([0, 0, 0, 0, 1]);
    // While it is disabled, nothing is sent and nothing fails.
    expect((await deliverDueWebhooks(engine(clock))).attempted).toBe(0);
    expect(await runWebhookCron(engine(clock))).toMatchObject({ attempted: 0, gaveUp: 0 });

    await updateEndpoint(user, endpoint.id, { status: "active" }, { policy: LOCAL_POLICY, now: clock.now });
    // All five are due at once, the one answered 410 too (its 5-second retry brought forward).
    expect(await deliverDueWebhooks(engine(clock))).toMatchObject({ attempted: 5, succeeded: 5 });
    for (const e of events) expect(h.receiver.accepted(e.eventId)).toBe(1);
  });

  it("a message fails only after its whole schedule; the endpoint is disabled once every attempt has failed for 5 days", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver);
    h.receiver.failAll({ status: 502 });
    const clock = testClock();
    const queued = await raise(user.workspaceId);
    // Twenty more messages, all failing: no count of failed messages disables anything.
    for (let i = 0; i < 20; i++) await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    // The same message keeps failing through its schedule (~28 h) …
    for (let step = 1; step < MAX_ATTEMPTS; step++) {
      clock.advance(RETRY_SCHEDULE_MS[step]!);
      await deliverDueWebhooks(engine(clock));
      if (step < MAX_ATTEMPTS - 1) expect((await deliveryOf(queued.eventId)).status).toBe("pending");
    }
    expect((await deliveryOf(queued.eventId)).status).toBe("failed");
    expect((await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).status).toBe("active");
    // … and a message three days after that fails too: still under 5 days since the first failure.
    clock.advance(3 * 24 * HOUR);
    await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    expect((await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).status).toBe("active");
    clock.advance(24 * HOUR);
    const last = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    expect(await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      status: "disabled",
      disabledReason: "every attempt has failed for 5 days",
    });
    // The message that was being tried when it was disabled waits for the endpoint.
    expect(await deliveryOf(last.eventId)).toMatchObject({ status: "pending", attemptCount: 1, lockedUntil: null });
  });

  it("enabling a disabled endpoint starts clean and sends what waited; failures since a time can be resent", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver);
    const clock = testClock();
    // One message through its whole schedule: failed for good.
    h.receiver.failNext({ status: 500 }, MAX_ATTEMPTS);
    const failed = await raise(user.workspaceId);
    for (let step = 0; step < MAX_ATTEMPTS; step++) {
      if (step) clock.advance(RETRY_SCHEDULE_MS[step]!);
      await deliverDueWebhooks(engine(clock));
    }
    expect(await deliveryOf(failed.eventId)).toMatchObject({ status: "failed", attemptCount: MAX_ATTEMPTS });
    // Then a 410 disables the endpoint, and a message raised meanwhile waits for it.
    h.receiver.failNext({ status: 410 });
    const gone = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock));
    const meanwhile = await raise(user.workspaceId);
    expect(await deliveryOf(meanwhile.eventId)).toMatchObject({ status: "pending", attemptCount: 0 });

    const enabled = await updateEndpoint(user, endpoint.id, { status: "active" }, { policy: LOCAL_POLICY, now: clock.now });
    expect(enabled).toMatchObject({ status: "active", disabledReason: null, failingSince: null, autoDisableAt: null });
    await deliverDueWebhooks(engine(clock));
    expect(await deliveryOf(gone.eventId)).toMatchObject({ status: "succeeded", attemptCount: 2 });
    expect(await deliveryOf(meanwhile.eventId)).toMatchObject({ status: "succeeded", attemptCount: 1 });

    const { queued } = await resendFailedSince(user, endpoint.id, new Date(clock.now().getTime() - 2 * 24 * HOUR), { now: clock.now });
    expect(queued).toBe(1);
    await deliverDueWebhooks(engine(clock));
    expect(await deliveryOf(failed.eventId)).toMatchObject({ status: "succeeded", attemptCount: MAX_ATTEMPTS + 1 });
    for (const e of [failed, gone, meanwhile]) expect(h.receiver.accepted(e.eventId)).toBe(1);
  });

  it("resends one delivery now, with one more attempt", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint } = await endpointAt(user, h.receiver);
    const queued = await raise(user.workspaceId);
    const clock = testClock();
    await deliverDueWebhooks(engine(clock));
    const delivery = await deliveryOf(queued.eventId);
    h.receiver.failNext({ status: 500 });
    const resent = await resendDelivery(user, endpoint.id, delivery.id, { now: clock.now, policy: LOCAL_POLICY });
    // A manual resend is one attempt: it failed, and no automatic retry follows.
    expect(resent).toMatchObject({ status: "failed", attemptCount: 2, nextAttemptAt: null });
    expect(resent.attempts.map((a) => [a.attemptNumber, a.ok, a.statusCode])).toEqual([
      [1, true, 200],
      [2, false, 500],
    ]);
    expect(resent.attempts[1]!.responseBody).toContain("injected 500");
    expect(h.receiver.count(queued.eventId)).toBe(2);
  });
});

describe("SSRF at delivery time", () => {
  it("refuses addresses the rules do not allow, without sending anything", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    const queued = await raise(user.workspaceId);
    const clock = testClock();
    // The endpoint was allowed when saved; the configuration no longer allows loopback.
    await deliverDueWebhooks(engine(clock, { policy: { httpHosts: ["127.0.0.1"], allowedNetworks: [] } }));
    expect(h.receiver.received).toHaveLength(0);
    const attempt = (await deliveryOf(queued.eventId)).attempts[0]!;
    expect(attempt.error).toMatch(/^Refused: 127\.0\.0\.1 is a loopback address/);
    clock.advance(RETRY_SCHEDULE_MS[1]!);
    await deliverDueWebhooks(engine(clock, { policy: STRICT_POLICY }));
    expect(h.receiver.received).toHaveLength(0);
    expect((await deliveryOf(queued.eventId)).attempts[1]!.error).toMatch(/^Use https: plain http is only allowed for the hosts in WEBHOOK_ALLOW_HTTP_HOSTS/);
  });

  it("refuses a host name that resolves to a private address, checking DNS on every attempt", async () => {
    const user = await signedIn(h.t.db);
    const resolver = fakeResolver({ "hooks.example.test": ["127.0.0.1"] });
    const { endpoint } = await endpointAt(user, h.receiver, {});
    await h.t.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { url: `http://hooks.example.test:${h.receiver.port}/hooks` } });
    const clock = testClock();
    const ok = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { resolver }));
    expect(h.receiver.count(ok.eventId)).toBe(1);

    // The same name now answers with a private address: refused although the name did not change.
    const rebound = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { resolver: fakeResolver({ "hooks.example.test": ["10.0.0.7"] }) }));
    expect(h.receiver.count(rebound.eventId)).toBe(0);
    expect((await deliveryOf(rebound.eventId)).attempts[0]!.error).toBe(
      "Refused: hooks.example.test resolves to 10.0.0.7, which is a private address; such addresses are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS allows them",
    );
    // One refused address among several refuses the URL (no mixing public and private answers).
    const mixed = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { resolver: fakeResolver({ "hooks.example.test": ["93.184.216.34", "169.254.169.254"] }) }));
    expect((await deliveryOf(mixed.eventId)).attempts[0]!.error).toMatch(/169\.254\.169\.254, which is a cloud metadata service address/);
  });

  it("follows 307/308 only to allowed addresses, and never other redirects", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    const clock = testClock();

    h.receiver.failNext({ status: 307, headers: { location: "https://169.254.169.254/latest/meta-data/" } });
    const metadata = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { eventIds: [metadata.eventId] }));
    expect((await deliveryOf(metadata.eventId)).attempts[0]!.error).toMatch(
      /^After a redirect to https:\/\/169\.254\.169\.254\/latest\/meta-data\/: Refused: 169\.254\.169\.254 is a cloud metadata service address/,
    );

    h.receiver.failNext({ status: 308, headers: { location: "http://internal.example.test/x" } });
    const viaDns = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { eventIds: [viaDns.eventId], resolver: fakeResolver({ "internal.example.test": ["192.168.1.20"] }) }));
    expect((await deliveryOf(viaDns.eventId)).attempts[0]!.error).toMatch(/internal\.example\.test resolves to 192\.168\.1\.20, which is a private address/);

    h.receiver.failNext({ status: 302, headers: { location: `${h.receiver.url}/elsewhere` } });
    const found = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { eventIds: [found.eventId] }));
    expect((await deliveryOf(found.eventId)).attempts[0]!.error).toMatch(/^Redirected \(302\) to .*\/elsewhere; only 307\/308 redirects are followed/);
    expect(h.receiver.received.filter((r) => r.path === "/elsewhere")).toHaveLength(0);

    // An allowed 307 is followed with the same signed body.
    h.receiver.failNext({ status: 307, headers: { location: "/moved" } });
    const moved = await raise(user.workspaceId);
    await deliverDueWebhooks(engine(clock, { eventIds: [moved.eventId] }));
    expect(await deliveryOf(moved.eventId)).toMatchObject({ status: "succeeded" });
    const final = h.receiver.received.find((r) => r.path === "/moved")!;
    expect(final.webhookId).toBe(moved.eventId);
    expect(final.standardVerifiedWith).toHaveLength(1);
  });
});

describe("durability and concurrency", () => {
  it("an event committed by a process that died before sending is delivered by the cron run", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    // Committed, and no after-response run (there is no request here: as if the process died).
    const queued = await raise(user.workspaceId);
    expect(h.receiver.received).toHaveLength(0);
    const clock = testClock();
    const report = await runWebhookCron(engine(clock));
    expect(report).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(h.receiver.count(queued.eventId)).toBe(1);
  });

  it("a run that dies after claiming leaves the rows to the next run once its lease ends", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    const queued = await raise(user.workspaceId);
    const clock = testClock();
    expect(await claimDueDeliveries(h.t.db, clock.now(), 10)).toHaveLength(1); // … and then it died
    expect((await deliverDueWebhooks(engine(clock))).attempted).toBe(0);
    clock.advance(CLAIM_LEASE_MS);
    expect((await deliverDueWebhooks(engine(clock))).succeeded).toBe(1);
    expect(h.receiver.count(queued.eventId)).toBe(1);
  });

  it("two concurrent cron runs send each attempt exactly once", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver, { name: "One" });
    const second = await endpointAt(user, h.receiver, { name: "Two" });
    h.receiver.setSecrets([]); // two secrets in play; signatures are covered elsewhere
    const events = [];
    for (let i = 0; i < 30; i++) events.push(await raise(user.workspaceId));
    h.receiver.setDelay(5);
    const clock = testClock();
    const [a, b] = await Promise.all([runWebhookCron(engine(clock, { batchSize: 4, concurrency: 4 })), runWebhookCron(engine(clock, { batchSize: 4, concurrency: 4 }))]);
    expect(a.attempted + b.attempted).toBe(60);
    expect(h.receiver.received).toHaveLength(60);
    for (const e of events) expect(h.receiver.count(e.eventId)).toBe(2);
    expect(await h.t.db.webhookAttempt.count()).toBe(60);
    expect(await h.t.db.webhookDelivery.count({ where: { status: "succeeded", attemptCount: 1 } })).toBe(60);
    expect(await h.t.db.webhookAttempt.count({ where: { endpointId: second.endpoint.id } })).toBe(30);
  });

  it("prunes finished history past the retention period, never pending deliveries", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    const done = await raise(user.workspaceId);
    const clock = testClock();
    await deliverDueWebhooks(engine(clock));
    await updateEndpoint(user, (await h.t.db.webhookEndpoint.findFirstOrThrow()).id, { status: "paused" }, { policy: LOCAL_POLICY });
    const waiting = await raise(user.workspaceId);
    clock.advance(31 * 24 * HOUR);
    const report = await runWebhookCron(engine(clock));
    expect(report.eventsPruned).toBe(1);
    expect(await h.t.db.webhookEvent.findUnique({ where: { id: done.eventId } })).toBeNull();
    expect(await h.t.db.webhookAttempt.count()).toBe(0);
    expect(await h.t.db.webhookEvent.findUnique({ where: { id: waiting.eventId } })).not.toBeNull();
  });
});
