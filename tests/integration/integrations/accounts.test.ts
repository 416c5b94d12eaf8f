// Several accounts of one provider in a workspace: each account is a connection of its own,
// addressed by id through the routes; connecting an account again updates its connection; each
// capability has a default connection (chosen by an admin, else the best one) used where a caller
// names none. Routes are called as Next calls them, with the session seam replaced by a fixed user.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auth } from "@/tests/helpers/fake-session";
import { openCapability } from "@/lib/connections/open";
import { sendTemplateEmail } from "@/lib/email";
import { registerProvider } from "@/lib/integrations/registry";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { MEMORY_MAIL_TOKEN, outbox } from "@/tests/providers/memory-mail/email";
import { memoryMailManifest } from "@/tests/providers/memory-mail/manifest";
import { colleague, signedIn, useHarness } from "./setup";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const statusRoute = await import("@/app/api/integrations/status/route");
const providerRoute = await import("@/app/api/integrations/[id]/route");
const connectRoute = await import("@/app/api/integrations/[id]/connect/route");
const connectionRoute = await import("@/app/api/connections/[connectionId]/route");
const connectionTestRoute = await import("@/app/api/connections/[connectionId]/test/route");
const defaultRoute = await import("@/app/api/connections/[connectionId]/default/route");

const h = useHarness();
let unregister: () => void;
beforeAll(() => {
  unregister = registerProvider(memoryMailManifest);
});
afterAll(() => unregister());
beforeEach(async () => {
  auth.user = await signedIn(h.t.db);
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  for (const secret of [...Object.values(STRIPE_KEYS), MEMORY_MAIL_TOKEN]) expect(text, `secret in a ${response.status} answer`).not.toContain(secret);
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const request = (method: string, path: string, body?: unknown) =>
  new Request(`http://localhost${path}`, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
const byProvider = (id: string) => ({ params: Promise.resolve({ id }) });
const byConnection = (connectionId: string) => ({ params: Promise.resolve({ connectionId }) });

const connect = async (providerId: string, fields: Record<string, string>) =>
  read(await connectRoute.POST(request("POST", `/api/integrations/${providerId}/connect`, { fields }), byProvider(providerId)));
const status = async () =>
  (await read(await statusRoute.GET(request("GET", "/api/integrations/status"), { params: Promise.resolve({}) }))).body as {
    integrations: Record<string, { connectionId: string | null; accountLabel: string | null; connected: boolean }>;
    connections: { connectionId: string; providerId: string; accountLabel: string; defaultFor: string[] }[];
    defaults: Record<string, string>;
  };
const mail = (sender: string) => ({ token: MEMORY_MAIL_TOKEN, fromEmail: sender });

describe("several accounts of one provider", () => {
  it("adds a connection per account, updates the one of an account connected again, and lists one entry per connection", async () => {
    const first = await connect("stripe", { secretKey: STRIPE_KEYS.valid });
    const second = await connect("stripe", { secretKey: STRIPE_KEYS.validLive });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.connectionId).not.toBe(second.body.connectionId);
    // The same key again: the same account, so its connection is updated, not duplicated.
    const again = await connect("stripe", { secretKey: STRIPE_KEYS.valid, webhookSecret: STRIPE_KEYS.webhookSecret });
    expect(again.body.connectionId).toBe(first.body.connectionId);
    expect(again.body).toMatchObject({ secrets: { secretKey: true, webhookSecret: true } });

    const answer = await status();
    expect(answer.connections.filter((c) => c.providerId === "stripe").map((c) => c.connectionId)).toEqual([first.body.connectionId, second.body.connectionId]);
    // The provider's entry is its default connection: the oldest healthy one.
    expect(answer.integrations.stripe).toMatchObject({ connectionId: first.body.connectionId, connected: true });
    expect(await h.t.db.connection.count({ where: { workspaceId: auth.user!.workspaceId, providerId: "stripe" } })).toBe(2);
  });

  it("addresses a connection by id; a change by provider id is refused (409) once several are connected", async () => {
    const first = await connect("stripe", { secretKey: STRIPE_KEYS.valid });
    const second = await connect("stripe", { secretKey: STRIPE_KEYS.validLive });
    const firstId = first.body.connectionId as string;
    const secondId = second.body.connectionId as string;

    const ambiguous = await read(await providerRoute.DELETE(request("DELETE", "/api/integrations/stripe"), byProvider("stripe")));
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error).toContain(firstId);
    expect(ambiguous.body.error).toContain(secondId);

    const one = await read(await connectionRoute.GET(request("GET", `/api/connections/${secondId}`), byConnection(secondId)));
    expect(one.body).toMatchObject({ providerId: "stripe", connectionId: secondId, accountLabel: expect.stringContaining("live mode") });
    const tested = await read(await connectionTestRoute.POST(request("POST", `/api/connections/${secondId}/test`), byConnection(secondId)));
    expect(tested.body).toMatchObject({ ok: true, status: { connectionId: secondId } });
    const patched = await read(
      await connectionRoute.PATCH(request("PATCH", `/api/connections/${firstId}`, { fields: { webhookSecret: STRIPE_KEYS.webhookSecret } }), byConnection(firstId)),
    );
    expect(patched.body).toMatchObject({ connectionId: firstId, secrets: { secretKey: true, webhookSecret: true } });

    const removed = await read(await connectionRoute.DELETE(request("DELETE", `/api/connections/${firstId}`), byConnection(firstId)));
    expect(removed.body).toMatchObject({ ok: true, status: { connectionId: firstId, connected: false } });
    const after = await status();
    expect(after.connections.map((c) => c.connectionId)).toEqual([secondId]);
    expect(after.integrations.stripe).toMatchObject({ connectionId: secondId, connected: true });
    // With one live connection left, the provider-addressed routes work again.
    expect((await read(await providerRoute.GET(request("GET", "/api/integrations/stripe"), byProvider("stripe")))).body).toMatchObject({ connectionId: secondId });
  });

  it("answers 400/404 for bad connection ids and another workspace's connection", async () => {
    const mine = await connect("stripe", { secretKey: STRIPE_KEYS.valid });
    expect((await read(await connectionRoute.GET(request("GET", "/api/connections/..%2f"), byConnection("../")))).status).toBe(400);
    auth.user = await signedIn(h.t.db, "admin", "Elsewhere");
    const id = mine.body.connectionId as string;
    for (const response of [
      await connectionRoute.GET(request("GET", `/api/connections/${id}`), byConnection(id)),
      await connectionRoute.DELETE(request("DELETE", `/api/connections/${id}`), byConnection(id)),
      await connectionTestRoute.POST(request("POST", `/api/connections/${id}/test`), byConnection(id)),
      await defaultRoute.PUT(request("PUT", `/api/connections/${id}/default`, { slot: "payments" }), byConnection(id)),
    ]) {
      expect((await read(response)).status).toBe(404);
    }
  });
});

describe("a capability's default connection", () => {
  it("is the oldest healthy connection until an admin chooses one; the choice is used where a caller names none", async () => {
    const user = auth.user!;
    const a = await connect("memory-mail", mail("a@acme.test"));
    const b = await connect("memory-mail", mail("b@acme.test"));
    const send = (connectionId?: string) =>
      sendTemplateEmail(
        user.workspaceId,
        {
          to: "ada@example.test",
          template: "webinar_registration",
          language: "en",
          values: { name: "Ada", webinar_title: "Seams", date: "Today", join_url: "https://example.test/j" },
        },
        connectionId ? { connectionId } : {},
      );

    expect(await send()).toMatchObject({ ok: true });
    expect(outbox.at(-1)!.from).toBe("a@acme.test");

    const chosen = await read(
      await defaultRoute.PUT(request("PUT", `/api/connections/${b.body.connectionId}/default`, { slot: "email" }), byConnection(b.body.connectionId as string)),
    );
    expect(chosen).toEqual({ status: 200, body: { slot: "email", connectionId: b.body.connectionId } });
    expect((await send()).ok).toBe(true);
    expect(outbox.at(-1)!.from).toBe("b@acme.test");
    // A caller may still name a connection.
    expect(await send(a.body.connectionId as string)).toMatchObject({ ok: true });
    expect(outbox.at(-1)!.from).toBe("a@acme.test");

    const answer = await status();
    expect(answer.defaults).toEqual({ email: b.body.connectionId });
    expect(answer.connections.find((c) => c.connectionId === b.body.connectionId)!.defaultFor).toEqual(["email"]);
    expect(answer.integrations["memory-mail"]!.connectionId).toBe(b.body.connectionId);
    expect(await h.t.db.auditLog.findFirst({ where: { workspaceId: user.workspaceId, action: "integration.default" } })).toMatchObject({
      details: { slot: "email", connectionId: b.body.connectionId },
    });

    // A paused default gives way to a working connection.
    await h.t.db.connection.update({ where: { id: b.body.connectionId as string }, data: { pausedAt: new Date() } });
    expect((await openCapability(user.workspaceId, "email", { actor: "test" })).connection.id).toBe(a.body.connectionId);
  });

  it("refuses a slot the connection cannot fill (400), an unknown slot (404), a bad body (400) and viewers (403)", async () => {
    const stripe = await connect("stripe", { secretKey: STRIPE_KEYS.valid });
    const id = stripe.body.connectionId as string;
    const put = async (body: unknown) => read(await defaultRoute.PUT(request("PUT", `/api/connections/${id}/default`, body), byConnection(id)));
    expect(await put({ slot: "email" })).toMatchObject({ status: 400, body: { error: "Stripe cannot be used for email" } });
    expect((await put({ slot: "telepathy" })).status).toBe(404);
    expect((await put({ slot: 3 })).status).toBe(400);
    expect((await put({ slot: "payments", extra: true })).status).toBe(400);
    expect((await put({ slot: "payments" })).status).toBe(200);
    auth.user = await colleague(h.t.db, auth.user!, "viewer");
    expect((await put({ slot: "payments" })).status).toBe(403);
  });
});
