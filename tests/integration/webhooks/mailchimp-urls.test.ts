// Mailchimp's per-connection webhook URLs: /api/webhooks/mailchimp/<connectionId>?secret=<that
// connection's secret>. The workspace is the connection's, never the query's, so one workspace's
// URL cannot write into another; admins read the whole URL, viewers a masked one. This file runs
// without MAILCHIMP_WEBHOOK_SECRET (the old, deployment-wide URL shape is off).
import crypto from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { auth } from "@/tests/helpers/fake-session";
import { MAILCHIMP_KEYS, mailchimpWebhookBody } from "@/tests/fakes/mailchimp";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { colleague, signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { deliverWebhook, storedConnection } from "@/tests/integration/webhooks/helpers";
import type { SessionUser } from "@/lib/auth/session";
import { resetConfig } from "@/lib/config";
import { unseal } from "@/lib/vault";
import { resealAllUrlSecrets } from "@/lib/webhooks-in/url-secrets";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const webhookUrlRoute = await import("@/app/api/connections/[connectionId]/webhook-url/route");
const connectionRoute = await import("@/app/api/connections/[connectionId]/route");
const statusRoute = await import("@/app/api/integrations/status/route");

const h = useHarness();

let adminA: SessionUser;
let adminB: SessionUser;
let connectionA: string;
let connectionB: string;
beforeEach(async () => {
  adminA = await signedIn(h.t.db, "admin", "Workspace A");
  adminB = await signedIn(h.t.db, "admin", "Workspace B");
  connectionA = (await storedConnection(h.t.db, adminA.workspaceId, "mailchimp", { apiKey: MAILCHIMP_KEYS.apiKey })).id;
  connectionB = (await storedConnection(h.t.db, adminB.workspaceId, "mailchimp", { apiKey: MAILCHIMP_KEYS.apiKey })).id;
});

const byConnection = (connectionId: string) => ({ params: Promise.resolve({ connectionId }) });

/** GET /api/connections/<id>/webhook-url as `user`, with the answer's raw text (to look for secrets in). */
async function webhookUrlAs(user: SessionUser, connectionId: string) {
  auth.user = user;
  const response = await webhookUrlRoute.GET(new Request(`http://localhost/api/connections/${connectionId}/webhook-url`), byConnection(connectionId));
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { url: string; masked: boolean; error?: string } };
}

const form = { "content-type": "application/x-www-form-urlencoded" };
const ada = { email: "ada@example.test", list_id: "a1b2c3d4e5", merges: { FNAME: "Ada" } };
const deliver = (url: string, body = mailchimpWebhookBody("subscribe", ada)) => deliverWebhook({ url, headers: form, body });
const contactsOf = (workspaceId: string) => h.t.db.contact.count({ where: { workspaceId } });

describe("Mailchimp per-connection webhook URLs", () => {
  it("a connection's URL writes into its own workspace only: another workspace is out of reach by query, path or old URL shape", async () => {
    const { url } = (await webhookUrlAs(adminA, connectionA)).body;
    const parsed = new URL(url);
    expect(parsed.pathname).toBe(`/api/webhooks/mailchimp/${connectionA}`);
    const secretA = parsed.searchParams.get("secret")!;
    expect(secretA.length).toBeGreaterThanOrEqual(40);

    // Mailchimp's URL check, then a delivery whose query names workspace B: it lands in A.
    expect((await deliverWebhook({ url, method: "GET" })).status).toBe(200);
    const pointedAtB = new URL(url);
    pointedAtB.searchParams.set("workspace", adminB.workspaceId);
    expect((await deliver(pointedAtB.toString())).status).toBe(200);
    expect(await contactsOf(adminA.workspaceId)).toBe(1);
    expect(await h.t.db.inboundEvent.findFirstOrThrow({ where: { state: "processed" } })).toMatchObject({ workspaceId: adminA.workspaceId, connectionId: connectionA });

    // A's secret on B's connection, and on the old URL shape naming B: refused.
    const otherConnection = new URL(url.replace(connectionA, connectionB));
    expect((await deliver(otherConnection.toString())).status).toBe(400);
    expect((await deliverWebhook({ url: otherConnection.toString(), method: "GET" })).status).toBe(401);
    const oldShape = `http://127.0.0.1/api/webhooks/mailchimp?secret=${encodeURIComponent(secretA)}&workspace=${adminB.workspaceId}`;
    expect((await deliver(oldShape)).status).toBe(400);
    expect((await deliverWebhook({ url: oldShape, method: "GET" })).status).toBe(401);
    // No secret, a made-up one, an unknown connection.
    expect((await deliver(`http://127.0.0.1/api/webhooks/mailchimp/${connectionA}`)).status).toBe(401);
    expect((await deliver(`http://127.0.0.1/api/webhooks/mailchimp/${connectionA}?secret=guess`)).status).toBe(400);
    expect((await deliver(`http://127.0.0.1/api/webhooks/mailchimp/no-such-connection?secret=${secretA}`)).status).toBe(400);

    expect(await contactsOf(adminB.workspaceId)).toBe(0);
    const refused = await h.t.db.inboundEvent.findMany({ where: { state: "rejected" } });
    expect(refused).toHaveLength(5);
    expect(refused.filter((r) => r.workspaceId === adminB.workspaceId).every((r) => r.connectionId === connectionB)).toBe(true);
  });

  it("each connection has its own secret, sealed by the vault for that connection, and the same one on every read", async () => {
    const first = new URL((await webhookUrlAs(adminA, connectionA)).body.url).searchParams.get("secret")!;
    const again = new URL((await webhookUrlAs(adminA, connectionA)).body.url).searchParams.get("secret")!;
    const other = new URL((await webhookUrlAs(adminB, connectionB)).body.url).searchParams.get("secret")!;
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const row = await h.t.db.inboundUrlSecret.findUniqueOrThrow({ where: { connectionId: connectionA } });
    expect(row.ciphertext).not.toContain(first);
    expect(unseal(row, { workspaceId: adminA.workspaceId, connectionId: `inbound-url:${connectionA}` })).toEqual({ secret: first });
    expect(() => unseal(row, { workspaceId: adminB.workspaceId, connectionId: `inbound-url:${connectionB}` })).toThrow();

    // vault:rotate re-seals it with a new key; the URL stays the same.
    const previousKey = process.env.TOKEN_ENCRYPTION_KEY!;
    try {
      process.env.TOKEN_ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
      process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS = previousKey;
      resetConfig();
      expect(await resealAllUrlSecrets(h.t.db)).toMatchObject({ total: 2, rotated: 2, failed: [] });
      delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
      resetConfig();
      expect(new URL((await webhookUrlAs(adminA, connectionA)).body.url).searchParams.get("secret")).toBe(first);
    } finally {
      process.env.TOKEN_ENCRYPTION_KEY = previousKey;
      delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
      resetConfig();
    }
    await h.t.db.inboundUrlSecret.deleteMany({ where: { connectionId: connectionA } });
    const reissued = new URL((await webhookUrlAs(adminA, connectionA)).body.url).searchParams.get("secret")!;

    // B's secret, or the one A had before, does not open A's URL.
    expect((await deliver(`http://127.0.0.1/api/webhooks/mailchimp/${connectionA}?secret=${first}`)).status).toBe(400);
    expect((await deliver(`http://127.0.0.1/api/webhooks/mailchimp/${connectionA}?secret=${other}`)).status).toBe(400);
    expect((await deliver(`http://127.0.0.1/api/webhooks/mailchimp/${connectionA}?secret=${reissued}`)).status).toBe(200);
  });

  it("a viewer sees the URL masked, and no answer a viewer gets holds the secret", async () => {
    const viewer = await colleague(h.t.db, adminA, "viewer");
    // Before any admin read it: the viewer's request issues nothing.
    const early = await webhookUrlAs(viewer, connectionA);
    expect(early.body).toEqual({ url: `http://localhost:3000/api/webhooks/mailchimp/${connectionA}?secret=********`, masked: true });
    expect(await h.t.db.inboundUrlSecret.count()).toBe(0);

    const secret = new URL((await webhookUrlAs(adminA, connectionA)).body.url).searchParams.get("secret")!;
    const masked = await webhookUrlAs(viewer, connectionA);
    expect(masked.status).toBe(200);
    expect(masked.body.masked).toBe(true);
    expect(masked.text).not.toContain(secret);
    auth.user = viewer;
    for (const response of [
      await connectionRoute.GET(new Request(`http://localhost/api/connections/${connectionA}`), byConnection(connectionA)),
      await statusRoute.GET(new Request("http://localhost/api/integrations/status"), { params: Promise.resolve({}) }),
    ]) {
      expect(response.status).toBe(200);
      expect(await response.text()).not.toContain(secret);
    }
  });

  it("answers 404 for another workspace's connection and 409 for a provider whose webhooks are not per connection", async () => {
    expect((await webhookUrlAs(adminB, connectionA)).status).toBe(404);
    expect(await h.t.db.inboundUrlSecret.count()).toBe(0);
    const stripe = await storedConnection(h.t.db, adminA.workspaceId, "stripe", { secretKey: STRIPE_KEYS.valid });
    expect((await webhookUrlAs(adminA, stripe.id)).status).toBe(409);
  });
});
