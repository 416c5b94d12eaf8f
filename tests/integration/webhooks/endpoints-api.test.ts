// The /api/webhook-endpoints routes and the webhook cron route, called as Next calls them, with
// the session seam replaced by a fixed signed-in user (next-auth needs Next's request context).
// Validation, URL rules, vault, database, delivery and the receiver are all real.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { auth } from "@/tests/helpers/fake-session";
import { ApiError } from "@/lib/http/api";
import { createEndpoint } from "@/lib/webhooks-out/endpoints";
import { colleague, rejection, signedIn } from "../integrations/setup";
import { fakeResolver, STRICT_POLICY, useWebhookHarness } from "./harness";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const listRoute = await import("@/app/api/webhook-endpoints/route");
const itemRoute = await import("@/app/api/webhook-endpoints/[id]/route");
const rotateRoute = await import("@/app/api/webhook-endpoints/[id]/rotate-secret/route");
const testRoute = await import("@/app/api/webhook-endpoints/[id]/test/route");
const deliveriesRoute = await import("@/app/api/webhook-endpoints/[id]/deliveries/route");
const deliveryRoute = await import("@/app/api/webhook-endpoints/[id]/deliveries/[deliveryId]/route");
const resendRoute = await import("@/app/api/webhook-endpoints/[id]/deliveries/[deliveryId]/resend/route");
const resendFailedRoute = await import("@/app/api/webhook-endpoints/[id]/resend-failed/route");
const cronRoute = await import("@/app/api/cron/[job]/route");

const h = useWebhookHarness();
let admin: SessionUser;
beforeEach(async () => {
  admin = await signedIn(h.t.db);
  auth.user = admin;
});

const HEADER_VALUE = "Bearer receiver-token-Secret123";
/** Every secret handed out in this file; none may appear in any other answer. */
const handedOut: string[] = [];

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: string; fields?: Record<string, string> };
  text: string;
}

async function read(response: Response, { mayContainSecret = false } = {}): Promise<Answer> {
  const text = await response.text();
  expect(text, "a custom header value in an answer").not.toContain(HEADER_VALUE);
  if (!mayContainSecret) for (const secret of handedOut) expect(text, "a signing secret in an answer").not.toContain(secret.slice(6));
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  return { status: response.status, body: text ? JSON.parse(text) : {}, text };
}

function request(method: string, path: string, body?: unknown, contentType = "application/json") {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "content-type": contentType };
  }
  return new Request(`http://localhost${path}`, init);
}
const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });

async function create(body: unknown) {
  const answer = await read(await listRoute.POST(request("POST", "/api/webhook-endpoints", body), params({})), { mayContainSecret: true });
  if (answer.status === 201) handedOut.push(answer.body.secret as string);
  return answer;
}
const validBody = () => ({ name: "Ops backend", url: `${h.receiver.url}/hooks`, events: ["connection.connected", "booking.created"], headers: { Authorization: HEADER_VALUE } });
const list = async () => read(await listRoute.GET(request("GET", "/api/webhook-endpoints"), params({})));
const get = async (id: string) => read(await itemRoute.GET(request("GET", `/api/webhook-endpoints/${id}`), params({ id })));
const patch = async (id: string, body: unknown) => read(await itemRoute.PATCH(request("PATCH", `/api/webhook-endpoints/${id}`, body), params({ id })));
const sendTest = async (id: string) => read(await testRoute.POST(request("POST", `/api/webhook-endpoints/${id}/test`), params({ id })));

describe("creating and listing endpoints", () => {
  it("creates an endpoint and shows its secret once; the list and the database never show it", async () => {
    const created = await create(validBody());
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const endpoint = created.body.endpoint as Record<string, unknown>;
    expect(endpoint).toMatchObject({
      name: "Ops backend",
      url: `${h.receiver.url}/hooks`,
      events: ["booking.created", "connection.connected"],
      headerNames: ["Authorization"],
      status: "active",
      stats: { total: 0, succeeded: 0, failed: 0, pending: 0, lastAttemptAt: null },
    });

    const listed = await list();
    expect(listed.status).toBe(200);
    expect((listed.body.endpoints as unknown[]).length).toBe(1);
    expect((listed.body.catalog as { type: string; example: object }[]).find((e) => e.type === "payment.succeeded")?.example).toMatchObject({ paymentIntentId: "pi_123" });

    // Stored sealed: neither the secret nor the header value is readable in the row.
    const row = await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id as string } });
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect(JSON.stringify(row)).not.toContain("receiver-token");
    expect(row.secretCiphertext).toMatch(/^v1\./);
    const audit = await h.t.db.auditLog.findFirstOrThrow({ where: { action: "webhook.endpoint.create" } });
    expect(JSON.stringify(audit)).not.toContain("receiver-token");
  });

  it("says what is wrong with bad input, and never answers 500", async () => {
    const missing = await create({ url: "https://hooks.example.com/x" });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.fields!).sort()).toEqual(["events", "name"]);

    const unknown = await create({ ...validBody(), events: ["booking.created", "nonsense.happened"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/Unknown event type nonsense\.happened/);

    const none = await create({ ...validBody(), events: [] });
    expect(none.body.fields).toMatchObject({ events: expect.stringMatching(/at least one event/) });

    const reserved = await create({ ...validBody(), headers: { "Webhook-Signature": "forged" } });
    expect(reserved.status).toBe(400);
    expect(reserved.body.fields).toMatchObject({ "headers.Webhook-Signature": "Plugboard sets this header itself" });

    const badValue = await create({ ...validBody(), headers: { "X-Evil": "a\r\nInjected: 1" } });
    expect(badValue.status).toBe(400);

    const extra = await create({ ...validBody(), secret: "whsec_mine" });
    expect(extra.status).toBe(400);

    expect((await create("{oops")).status).toBe(400);
    expect((await read(await listRoute.POST(request("POST", "/api/webhook-endpoints", "name=x", "application/x-www-form-urlencoded"), params({})))).status).toBe(415);
    expect(await h.t.db.webhookEndpoint.count()).toBe(0);
  });

  it("refuses URLs that break the rules when saving (https, private and metadata addresses, credentials)", async () => {
    const cases: [string, RegExp][] = [
      ["http://hooks.example.com/in", /Use https/],
      ["https://10.0.0.5/in", /10\.0\.0\.5 is a private address/],
      ["https://169.254.169.254/latest/meta-data/", /cloud metadata service address/],
      ["https://[::1]/in", /::1 is a loopback address/],
      ["https://user:pw@hooks.example.com/in", /user name or password/],
      ["ftp://hooks.example.com/in", /Only https URLs/],
    ];
    for (const [url, message] of cases) {
      const answer = await create({ ...validBody(), url });
      expect(answer.status, url).toBe(400);
      expect(answer.body.fields?.url, url).toMatch(message);
    }
    expect(await h.t.db.webhookEndpoint.count()).toBe(0);
  });

  it("refuses a host name that resolves to a private address, unless the configuration allows it", async () => {
    const input = { name: "x", url: "https://hooks.corp.example/in", events: ["*"], headers: {}, status: "active" as const };
    const resolver = fakeResolver({ "hooks.corp.example": ["192.168.10.4"] });
    const refused = await rejection(createEndpoint(admin, input, { resolver, policy: STRICT_POLICY }));
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused.status).toBe(400);
    expect(refused.fields?.url).toBe(
      "hooks.corp.example resolves to 192.168.10.4, which is a private address; such addresses are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS allows them",
    );
    const allowed = await createEndpoint(admin, input, { resolver, policy: { httpHosts: [], allowedNetworks: ["192.168.10.0/24"] } });
    expect(allowed.endpoint.url).toBe("https://hooks.corp.example/in");
  });

  it("keeps workspaces apart and viewers read-only", async () => {
    const created = await create(validBody());
    const id = (created.body.endpoint as { id: string }).id;
    const fullUrl = (created.body.endpoint as { url: string }).url;
    expect((await get(id)).body.url).toBe(fullUrl);
    auth.user = await colleague(h.t.db, admin, "viewer");
    // Viewers see where events go, not the path or query (Slack and Zapier keep their token there).
    const origin = new URL(fullUrl).origin;
    expect(((await list()).body.endpoints as { url: string }[]).map((e) => e.url)).toEqual([`${origin}/…`]);
    const seen = await get(id);
    expect(seen.status).toBe(200);
    expect(seen.body.url).toBe(`${origin}/…`);
    expect(JSON.stringify(seen.body)).not.toContain(new URL(fullUrl).pathname);
    expect((await create(validBody())).status).toBe(403);
    expect((await patch(id, { name: "x" })).status).toBe(403);
    expect((await sendTest(id)).status).toBe(403);
    expect((await read(await itemRoute.DELETE(request("DELETE", `/api/webhook-endpoints/${id}`), params({ id })))).status).toBe(403);

    auth.user = await signedIn(h.t.db, "admin", "Another company");
    expect(((await list()).body.endpoints as unknown[]).length).toBe(0);
    expect((await get(id)).status).toBe(404);
    expect((await patch(id, { name: "mine now" })).status).toBe(404);
    expect((await sendTest(id)).status).toBe(404);
    auth.user = null;
    expect((await list()).status).toBe(401);
  });
});

describe("using an endpoint", () => {
  it("sends a test, keeps the delivery log with the answer, and counts it in the stats", async () => {
    const created = await create(validBody());
    h.receiver.setSecrets([created.body.secret as string]);
    const id = (created.body.endpoint as { id: string }).id;

    const tested = await sendTest(id);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({
      eventType: "webhook.test",
      status: "succeeded",
      attemptCount: 1,
      attempts: [{ attemptNumber: 1, ok: true, statusCode: 200, responseBody: '{"received":true}' }],
    });
    const [received] = h.receiver.received;
    expect(received!.standardVerifiedWith).toHaveLength(1);
    expect(received!.headers.authorization).toBe(HEADER_VALUE);
    expect(JSON.parse(received!.body)).toMatchObject({ type: "webhook.test", data: { endpointId: id } });

    const page = await read(await deliveriesRoute.GET(request("GET", `/api/webhook-endpoints/${id}/deliveries?pageSize=10`), params({ id })));
    expect(page.body).toMatchObject({ total: 1, page: 1, pageSize: 10, items: [{ eventType: "webhook.test", status: "succeeded", attempts: [{ ok: true, statusCode: 200 }] }] });
    expect((page.body.items as { attempts: object[] }[])[0]!.attempts[0]).not.toHaveProperty("responseBody");
    const deliveryId = (tested.body as { id: string }).id;
    const detail = await read(await deliveryRoute.GET(request("GET", `/api/webhook-endpoints/${id}/deliveries/${deliveryId}`), params({ id, deliveryId })));
    expect(JSON.parse(detail.body.payload as string)).toMatchObject({ type: "webhook.test" });

    const bad = await read(await deliveriesRoute.GET(request("GET", `/api/webhook-endpoints/${id}/deliveries?pageSize=1000&status=lost`), params({ id })));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields!).sort()).toEqual(["query.pageSize", "query.status"]);

    const detailView = await get(id);
    expect(detailView.body).toMatchObject({ stats: { total: 1, succeeded: 1, failed: 0, lastAttemptOk: true, lastStatusCode: 200 } });
    const daily = detailView.body.daily as { day: string; succeeded: number; failed: number }[];
    expect(daily).toHaveLength(14);
    expect(daily.at(-1)).toMatchObject({ day: new Date().toISOString().slice(0, 10), succeeded: 1, failed: 0 });

    // A failing answer is a 200 with the failed attempt (the request worked, the endpoint said no).
    h.receiver.failNext({ status: 503, body: { error: "maintenance" } });
    const failed = await sendTest(id);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: "pending",
      attempts: [{ ok: false, statusCode: 503, error: "The endpoint answered 503", responseBody: '{"error":"maintenance"}' }],
    });

    // Resend it now: delivered.
    const failedId = (failed.body as { id: string }).id;
    const resent = await read(await resendRoute.POST(request("POST", `/api/webhook-endpoints/${id}/deliveries/${failedId}/resend`), params({ id, deliveryId: failedId })));
    expect(resent.body).toMatchObject({ status: "succeeded", attemptCount: 2 });
  });

  it("edits, pauses, resumes, rotates and deletes", async () => {
    const created = await create(validBody());
    const first = created.body.secret as string;
    const id = (created.body.endpoint as { id: string }).id;

    const edited = await patch(id, { name: "Renamed", events: ["*"], headers: { Authorization: null, "X-Team": "ops" } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: "Renamed", events: ["*"], headerNames: ["X-Team"] });
    expect((await patch(id, {})).status).toBe(400);
    expect((await patch(id, { url: "https://10.1.1.1/x" })).body.fields).toMatchObject({ url: expect.stringMatching(/private address/) });

    const paused = await patch(id, { status: "paused" });
    expect(paused.body).toMatchObject({ status: "paused" });
    const refused = await sendTest(id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/paused; resume it/);
    expect((await patch(id, { status: "active" })).body).toMatchObject({ status: "active" });

    const rotated = await read(await rotateRoute.POST(request("POST", `/api/webhook-endpoints/${id}/rotate-secret`), params({ id })), { mayContainSecret: true });
    expect(rotated.status).toBe(200);
    const second = rotated.body.secret as string;
    handedOut.push(second);
    expect(second).not.toBe(first);
    expect((rotated.body.endpoint as { previousSecretExpiresAt: string }).previousSecretExpiresAt).toBeTruthy();
    // Receivers on either secret accept the next message; the custom header kept through the rotation.
    h.receiver.setSecrets([first, second]);
    await sendTest(id);
    expect(h.receiver.received[0]!.standardVerifiedWith.sort()).toEqual([first, second].sort());
    expect(h.receiver.received[0]!.headers["x-team"]).toBe("ops");
    expect(h.receiver.received[0]!.headers.authorization).toBeUndefined();

    const deleted = await read(await itemRoute.DELETE(request("DELETE", `/api/webhook-endpoints/${id}`), params({ id })));
    expect(deleted.body).toEqual({ ok: true });
    expect((await get(id)).status).toBe(404);
    expect(await h.t.db.webhookDelivery.count()).toBe(0);
    const actions = (await h.t.db.auditLog.findMany({ orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "webhook.endpoint.create",
        "webhook.endpoint.update",
        "webhook.endpoint.pause",
        "webhook.endpoint.resume",
        "webhook.endpoint.rotate_secret",
        "webhook.endpoint.delete",
      ]),
    );
  });

  it("bulk-resends failures since a time", async () => {
    const created = await create(validBody());
    h.receiver.setSecrets([created.body.secret as string]);
    const id = (created.body.endpoint as { id: string }).id;
    await h.t.db.webhookEndpoint.update({ where: { id }, data: { status: "paused" } });
    const since = new Date();
    // Two failed deliveries (as if their retries ran out), one older than `since`.
    for (const [n, at] of [
      [1, new Date(since.getTime() + 1000)],
      [2, new Date(since.getTime() + 2000)],
      [3, new Date(since.getTime() - 3_600_000)],
    ] as const) {
      await h.t.db.webhookEvent.create({ data: { id: `msg_${n}`, workspaceId: admin.workspaceId, type: "booking.created", payload: "{}", createdAt: at } });
      await h.t.db.webhookDelivery.create({
        data: { endpointId: id, eventId: `msg_${n}`, eventType: "booking.created", status: "failed", attemptCount: 8, retryStep: 7, createdAt: at, completedAt: at },
      });
    }
    const resend = (body: unknown) => resendFailedRoute.POST(request("POST", `/api/webhook-endpoints/${id}/resend-failed`, body), params({ id })).then((r) => read(r));
    expect((await resend({ since: "yesterday-ish" })).status).toBe(400);
    expect((await resend({ since: since.toISOString() })).body).toEqual({ queued: 2 });
    // Paused: queued, sent once the endpoint is resumed (by the cron run here).
    await h.t.db.webhookEndpoint.update({ where: { id }, data: { status: "active" } });
    const cron = await read(
      await cronRoute.GET(new Request("http://localhost/api/cron/webhooks", { headers: { authorization: "Bearer test-cron-secret" } }), params({ job: "webhooks" })),
    );
    expect(cron.body).toMatchObject({ attempted: 2, succeeded: 2 });
    expect(h.receiver.received.map((r) => r.webhookId).sort()).toEqual(["msg_1", "msg_2"]);
  });
});

describe("GET /api/cron/webhooks", () => {
  it("needs the cron secret", async () => {
    const answer = await read(await cronRoute.GET(new Request("http://localhost/api/cron/webhooks"), params({ job: "webhooks" })));
    expect(answer.status).toBe(401);
    const wrong = await read(await cronRoute.GET(new Request("http://localhost/api/cron/webhooks", { headers: { authorization: "Bearer nope" } }), params({ job: "webhooks" })));
    expect(wrong.status).toBe(401);
  });
});
