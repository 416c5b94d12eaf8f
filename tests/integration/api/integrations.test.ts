// The integration and activity routes, called as Next calls them (request + async params), with
// the session seam replaced by a fixed signed-in user (next-auth needs Next's request context).
// Everything below the session — validation, lib, pipeline, database, SDKs against the fakes — is real.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { registerProvider } from "@/lib/integrations/registry";
import { auth } from "@/tests/helpers/fake-session";
import { comingSoonManifest } from "@/tests/providers/coming-soon/manifest";
import { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { colleague, signedIn, useHarness } from "../integrations/setup";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/fake-session"));

const catalogRoute = await import("@/app/api/integrations/route");
const statusRoute = await import("@/app/api/integrations/status/route");
const itemRoute = await import("@/app/api/integrations/[id]/route");
const connectRoute = await import("@/app/api/integrations/[id]/connect/route");
const testRoute = await import("@/app/api/integrations/[id]/test/route");
const activityRoute = await import("@/app/api/activity/route");

const h = useHarness();
beforeEach(async () => {
  auth.user = await signedIn(h.t.db);
});

const ALL_SECRETS = [...Object.values(STRIPE_KEYS), ...Object.values(SENDGRID_KEYS)];
const noParams = { params: Promise.resolve({}) };
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  for (const secret of ALL_SECRETS) expect(text, `secret in a ${response.status} answer`).not.toContain(secret);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  return { status: response.status, body: text ? JSON.parse(text) : {}, text };
}

function request(method: string, path: string, body?: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request(`http://localhost${path}`, { method, headers: body === undefined ? {} : headers, body });
}

const connect = (id: string, body: unknown) =>
  connectRoute.POST(request("POST", `/api/integrations/${id}/connect`, typeof body === "string" ? body : JSON.stringify(body)), idParams(id)).then(read);
const patch = (id: string, body: unknown) => itemRoute.PATCH(request("PATCH", `/api/integrations/${id}`, JSON.stringify(body)), idParams(id)).then(read);

describe("GET /api/integrations", () => {
  it("lists all 11 providers as data: the API-key and OAuth providers that work available, with their OAuth setup", async () => {
    const { status, body } = await read(await catalogRoute.GET(request("GET", "/api/integrations"), noParams));
    expect(status).toBe(200);
    const providers = body.providers as { id: string; available: boolean; comingSoon: boolean; icon: string; authFields: unknown[] }[];
    expect(providers).toHaveLength(11);
    expect(
      providers
        .filter((p) => p.available)
        .map((p) => p.id)
        .sort(),
    ).toEqual(["google-calendar", "linkedin", "mailchimp", "odoo", "outlook-calendar", "s3", "sendgrid", "smtp", "stripe", "twilio", "x"]);
    expect(providers.filter((p) => p.comingSoon)).toHaveLength(0);
    // The harness configures every OAuth app; the redirect URI is the one to register at the provider.
    expect(providers.find((p) => p.id === "google-calendar")).toMatchObject({
      oauth: { setup: { configured: true, missing: [], redirectUri: expect.stringMatching(/\/api\/integrations\/google-calendar\/oauth\/callback$/) } },
    });
    expect(providers.find((p) => p.id === "stripe")).toMatchObject({
      icon: "/providers/stripe.svg",
      authFields: [{ name: "secretKey", type: "password", secret: true }, { name: "webhookSecret" }],
    });
    for (const p of providers) {
      expect(p).not.toHaveProperty("schema");
      expect(p).not.toHaveProperty("adapter");
    }
  });

  it("needs a signed-in user", async () => {
    auth.user = null;
    expect((await read(await catalogRoute.GET(request("GET", "/api/integrations"), noParams))).status).toBe(401);
    expect((await read(await statusRoute.GET(request("GET", "/api/integrations/status"), noParams))).status).toBe(401);
    expect((await read(await activityRoute.GET(request("GET", "/api/activity"), noParams))).status).toBe(401);
  });
});

describe("connect, status, test, update, disconnect over the routes", () => {
  it("walks a Stripe connection through its life", async () => {
    const connected = await connect("stripe", { fields: { secretKey: STRIPE_KEYS.valid } });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({
      providerId: "stripe",
      connected: true,
      connectionStatus: "connected",
      status: "active",
      secrets: { secretKey: true, webhookSecret: false },
    });

    const status = await read(await statusRoute.GET(request("GET", "/api/integrations/status"), noParams));
    expect(status.status).toBe(200);
    expect(Object.keys(status.body.integrations as object)).toHaveLength(11);
    expect(status.body).toMatchObject({
      integrations: { stripe: { status: "active", accountLabel: "Stripe (test mode) · EUR, USD" }, sendgrid: { status: "inactive" } },
      generatedAt: expect.any(String),
    });
    expect(h.fakes.stripe.requests).toHaveLength(1); // the status read called no provider

    const tested = await read(await testRoute.POST(request("POST", "/api/integrations/stripe/test"), idParams("stripe")));
    expect(tested).toMatchObject({ status: 200, body: { ok: true, message: expect.stringMatching(/^Connected: Stripe/), durationMs: expect.any(Number) } });

    const updated = await patch("stripe", { fields: { webhookSecret: STRIPE_KEYS.webhookSecret } });
    expect(updated).toMatchObject({ status: 200, body: { secrets: { secretKey: true, webhookSecret: true } } });

    const detail = await read(await itemRoute.GET(request("GET", "/api/integrations/stripe"), idParams("stripe")));
    expect(detail).toMatchObject({ status: 200, body: { connected: true, secrets: { secretKey: true, webhookSecret: true } } });

    const gone = await read(await itemRoute.DELETE(request("DELETE", "/api/integrations/stripe"), idParams("stripe")));
    expect(gone).toMatchObject({ status: 200, body: { ok: true, status: { connected: false } } });
    expect((await read(await itemRoute.DELETE(request("DELETE", "/api/integrations/stripe"), idParams("stripe")))).status).toBe(200);
    expect(await h.t.db.credential.count()).toBe(0);

    const activity = await read(await activityRoute.GET(request("GET", "/api/activity?providerId=stripe&pageSize=10"), noParams));
    expect(activity).toMatchObject({ status: 200, body: { page: 1, pageSize: 10, total: 3 } });
    expect((activity.body.items as { operation: string }[]).every((i) => i.operation === "connection.test")).toBe(true);
  });

  it("answers 422 for a key the provider rejects, with its reason and without the key", async () => {
    const answer = await connect("stripe", { fields: { secretKey: STRIPE_KEYS.invalid } });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatch(/Stripe rejected the key/);
    expect(answer.text).not.toMatch(/sk_test_\*+/);
    const sg = await connect("sendgrid", { fields: { apiKey: SENDGRID_KEYS.invalid, fromEmail: "hi@acme.test" } });
    expect(sg.status).toBe(422);
    expect((await read(await statusRoute.GET(request("GET", "/api/integrations/status"), noParams))).body).toMatchObject({
      integrations: { stripe: { connected: false }, sendgrid: { connected: false } },
    });
  });

  it("reports a failed test as 200 { ok: false } with the category", async () => {
    await connect("sendgrid", { fields: { apiKey: SENDGRID_KEYS.valid, fromEmail: "hi@acme.test" } });
    h.fakes.sendgrid.keys.delete(SENDGRID_KEYS.valid);
    try {
      const tested = await read(await testRoute.POST(request("POST", "/api/integrations/sendgrid/test"), idParams("sendgrid")));
      expect(tested).toMatchObject({ status: 200, body: { ok: false, category: "auth", status: { needsReauth: true } } });
    } finally {
      h.fakes.sendgrid.addKey(SENDGRID_KEYS.valid);
    }
  });

  it("refuses a viewer's changes with 403 but lets them read", async () => {
    auth.user = await colleague(h.t.db, auth.user!, "viewer");
    expect((await connect("stripe", { fields: { secretKey: STRIPE_KEYS.valid } })).status).toBe(403);
    expect((await read(await testRoute.POST(request("POST", "/api/integrations/stripe/test"), idParams("stripe")))).status).toBe(403);
    expect((await read(await itemRoute.DELETE(request("DELETE", "/api/integrations/stripe"), idParams("stripe")))).status).toBe(403);
    expect((await read(await statusRoute.GET(request("GET", "/api/integrations/status"), noParams))).status).toBe(200);
    expect(h.fakes.stripe.requests).toHaveLength(0);
  });
});

describe("bad input never becomes a 500", () => {
  it("answers 400 for malformed JSON, missing or unknown fields, naming them", async () => {
    const malformed = await connect("stripe", '{"fields": {"secretKey": ');
    expect(malformed).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not valid JSON/) } });
    expect((await connect("stripe", "")).status).toBe(400);
    const missing = await connect("stripe", { fields: {} });
    expect(missing).toMatchObject({ status: 400, body: { fields: { "fields.secretKey": expect.any(String) } } });
    const unknownField = await connect("stripe", { fields: { secretKey: STRIPE_KEYS.valid, password: "x" } });
    expect(unknownField).toMatchObject({ status: 400, body: { fields: { "fields.password": expect.stringMatching(/Unknown field/) } } });
    const unknownKey = await connect("stripe", { fields: { secretKey: STRIPE_KEYS.valid }, extra: true });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error).toMatch(/extra/);
    const noFields = await connect("stripe", { secretKey: STRIPE_KEYS.valid });
    expect(noFields.status).toBe(400);
    expect(h.fakes.stripe.requests).toHaveLength(0);
  });

  it.each([
    ["an array", "[]"],
    ["a string", '"sk_test_x"'],
    ["null", "null"],
    ["fields as an array", '{"fields": []}'],
    ["a nested object value", '{"fields": {"secretKey": {"$gt": ""}}}'],
    ["a number value", '{"fields": {"secretKey": 42}}'],
    ["a huge number", '{"fields": {"secretKey": 1e400}}'],
  ])("answers 400 for %s", async (_, body) => {
    expect((await connect("stripe", body)).status).toBe(400);
  });

  it("answers 404 for an unknown provider, 409 for a coming-soon one", async () => {
    const unknown = await connect("paypal", { fields: { apiKey: "x" } });
    expect(unknown).toMatchObject({ status: 404, body: { error: expect.stringMatching(/Unknown integration/) } });
    expect((await connect("x".repeat(500), { fields: {} })).status).toBe(404);
    expect((await read(await testRoute.POST(request("POST", "/api/integrations/nope/test"), idParams("nope")))).status).toBe(404);
    expect((await read(await itemRoute.DELETE(request("DELETE", "/api/integrations/nope"), idParams("nope")))).status).toBe(404);
    expect((await read(await itemRoute.GET(request("GET", "/api/integrations/nope"), idParams("nope")))).status).toBe(404);
    expect((await patch("nope", { fields: {} })).status).toBe(404);
    const unregister = registerProvider(comingSoonManifest);
    try {
      const soon = await connect(comingSoonManifest.id, { fields: {} });
      expect(soon).toMatchObject({ status: 409, body: { error: expect.stringMatching(/coming soon and cannot be connected yet/) } });
    } finally {
      unregister();
    }
  });

  it("answers 413 for an oversized body and 415 for a non-JSON content type", async () => {
    const huge = JSON.stringify({ fields: { secretKey: "sk_test_" + "a".repeat(70_000) } });
    expect((await connect("stripe", huge)).status).toBe(413);
    const form = await connectRoute
      .POST(request("POST", "/api/integrations/stripe/connect", "secretKey=x", { "content-type": "application/x-www-form-urlencoded" }), idParams("stripe"))
      .then(read);
    expect(form.status).toBe(415);
  });

  it("answers 400 for bad activity query values, naming them", async () => {
    const get = (qs: string) => activityRoute.GET(request("GET", `/api/activity?${qs}`), noParams).then(read);
    const tooBig = await get("pageSize=101");
    expect(tooBig).toMatchObject({ status: 400, body: { fields: { "query.pageSize": "pageSize is at most 100" } } });
    expect((await get("page=abc")).status).toBe(400);
    expect((await get("outcome=maybe")).status).toBe(400);
    expect((await get("from=not-a-date")).status).toBe(400);
    expect((await get("from=2026-11-21&to=2026-11-01")).status).toBe(400);
    expect(await get("page=2&pageSize=100&outcome=&providerId=")).toMatchObject({ status: 200, body: { items: [], page: 2, pageSize: 100, total: 0 } });
  });
});
