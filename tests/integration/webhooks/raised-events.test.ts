// Events raised while an inbound webhook is processed (after the answer, in Next's after-work) go
// out right after the transaction that raised them commits — not at the next cron run. The route
// handler runs inside Next's own request lifecycle (tests/helpers/next-request.ts), so after() and
// after() nested in after-work behave as under `next start`; real database, real HTTP receiver.
import { inNextRequest } from "@/tests/helpers/next-request";
import { describe, expect, it } from "vitest";
import { emitEvent } from "@/lib/events";
import { mailchimpWebhookBody } from "@/tests/fakes/mailchimp";
import { signedIn } from "@/tests/integration/integrations/setup";
import { deliverWebhook, useEnv } from "@/tests/integration/webhooks/helpers";
import { endpointAt, useWebhookHarness } from "./harness";

const h = useWebhookHarness();
const SECRET = "mailchimp-webhook-secret-for-tests-0002";
useEnv({ MAILCHIMP_WEBHOOK_SECRET: SECRET });

const form = { "content-type": "application/x-www-form-urlencoded" };
const emailOf = (body: string) => (JSON.parse(body) as { data: { email: string } }).data.email;

const subscribe = (url: string, email: string) =>
  inNextRequest(() => deliverWebhook({ url, headers: form, body: mailchimpWebhookBody("subscribe", { email, list_id: "a1b2c3d4e5", merges: { EMAIL: email, FNAME: "Sub" } }) }));

/** When each address was first POSTed to the receiver (the first attempt of its contact.created). */
function firstAttempts(): Map<string, number> {
  const first = new Map<string, number>();
  for (const r of h.receiver.received) if (!first.has(emailOf(r.body))) first.set(emailOf(r.body), r.at);
  return first;
}

describe("events raised by inbound webhooks", () => {
  async function setUp() {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver, { events: ["contact.created"] });
    const url = `http://127.0.0.1/api/webhooks/mailchimp?secret=${SECRET}&workspace=${user.workspaceId}`;
    // A warm server: the first request of the process also loads the modules on its path.
    const warmUp = await subscribe(url, "warm-up@example.test");
    await warmUp.afterWork;
    return url;
  }

  it("100 Mailchimp subscribes, one after the other: at least 99 contact.created attempted within 2 s of their arrival, with no cron run", async () => {
    const url = await setUp();
    const arrivedAt = new Map<string, number>();
    // Each after the previous one's after-work is over, as Mailchimp's 1 s apart, only faster.
    for (let i = 0; i < 100; i++) {
      const email = `subscriber${i}@example.test`;
      arrivedAt.set(email, Date.now());
      const run = await subscribe(url, email);
      expect(run.answer.status).toBe(200);
      await run.afterWork;
    }
    expect(await h.t.db.contact.count()).toBe(101);
    const first = firstAttempts();
    const late = [...arrivedAt].filter(([email, at]) => !first.has(email) || first.get(email)! - at > 2_000).map(([email]) => email);
    expect(late.length, `not attempted within 2 s: ${late.join(", ")}`).toBeLessThanOrEqual(1);
    expect(await h.t.db.webhookDelivery.count({ where: { status: "pending" } })).toBeLessThanOrEqual(1);
  });

  it("a burst of 100 subscribes, their after-work overlapping: every contact.created is sent by that after-work, with no cron run", async () => {
    const url = await setUp();
    const afterWork: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      const run = await subscribe(url, `burst${i}@example.test`);
      expect(run.answer.status).toBe(200);
      afterWork.push(run.afterWork);
    }
    await Promise.all(afterWork);
    expect(await h.t.db.contact.count()).toBe(101);
    expect(await h.t.db.webhookDelivery.count({ where: { status: "succeeded", attemptCount: 1 } })).toBe(101);
    expect(firstAttempts().size).toBe(101);
  });

  it("an event raised in a request's transaction goes out after the answer, and one rolled back never does", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    const run = await inNextRequest(async () => {
      const queued = await h.t.db.$transaction((tx) => emitEvent(tx, { workspaceId: user.workspaceId, type: "connection.connected", data: { providerId: "stripe" } }));
      await h.t.db
        .$transaction(async (tx) => {
          await emitEvent(tx, { workspaceId: user.workspaceId, type: "connection.disconnected", data: { providerId: "stripe" } });
          throw new Error("the change failed");
        })
        .catch(() => undefined);
      return queued!;
    });
    expect(h.receiver.received).toHaveLength(0);
    await run.afterWork;
    expect(h.receiver.received.map((r) => [r.webhookId, r.eventType])).toEqual([[run.answer.eventId, "connection.connected"]]);
  });
});
