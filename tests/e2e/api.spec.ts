// The HTTP contract of every API route on the running production server: sessions, roles,
// cron secret, input errors, and no secret in any answer or log line.
import fs from "node:fs";
import path from "node:path";
import { expect, test, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { cronPath, JOBS } from "@/lib/jobs/registry";
import { ADMIN, BASE_URL, SAME_ORIGIN, CRON_SECRET, ROOT, SERVER_LOG } from "@/tests/e2e/env";
import { apiClients, signedInRequest, signIn, type ApiClients } from "@/tests/e2e/helpers";

const STRIPE_KEY = "sk_test_PlugboardValidKey000000000001";
const PUBLIC_ROUTES = new Set(["/api/health", "/api/setup"]);
// Concrete URLs for route files whose placeholders cannot simply become "stripe": the one webhook
// route answers GET only for a provider that checks its URL with one (Mailchimp; others: 405).
const SAMPLE_URLS: Record<string, string> = { "/api/webhooks/[provider]/[[...path]]": "/api/webhooks/mailchimp" };

/** Every route handler in app/api, with the methods it exports, so new routes are covered too. */
function apiRoutes(): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(full, "utf8");
        const methods = [...source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
        const exported = source.match(/export\s*\{([^}]*)\}/)?.[1] ?? "";
        for (const m of exported.matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.push(m[1]!);
        const route = "/" + path.relative(path.join(ROOT, "app"), path.dirname(full)).split(path.sep).join("/");
        out.push({ path: SAMPLE_URLS[route] ?? route.replace(/\[\.\.\.[^\]]+\]/g, "x").replace(/\[[^\]]+\]/g, "stripe"), methods });
      }
    }
  };
  walk(path.join(ROOT, "app/api"));
  return out;
}

let clients: ApiClients | undefined;
let admin: APIRequestContext;
let viewer: APIRequestContext;
let anonymous: APIRequestContext;

test.beforeAll(async () => {
  clients = await apiClients();
  ({ admin, viewer, anonymous } = clients);
});
test.afterAll(async () => clients?.dispose());

test("health answers without a session", async () => {
  const response = await anonymous.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});

test("pages and API answers carry the security headers: CSP with frame-ancestors 'none', nosniff, referrer and permissions policies", async () => {
  for (const path of ["/login", "/integrations", "/api/health"]) {
    const response = await anonymous.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    expect(headers["content-security-policy"], path).toMatch(/frame-ancestors 'none'/);
    expect(headers["content-security-policy"], path).toMatch(/default-src 'self'/);
    expect(headers["content-security-policy"], path).not.toMatch(/unsafe-eval/);
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], path).toMatch(/camera=\(\)/);
  }
});

test("every API route refuses a request without a session (401 JSON), except the public ones", async () => {
  const routes = apiRoutes();
  expect(routes.length).toBeGreaterThan(4);
  for (const route of routes) {
    if (route.path.startsWith("/api/auth/") || PUBLIC_ROUTES.has(route.path)) continue;
    for (const method of route.methods) {
      const response = await anonymous.fetch(route.path, { method, data: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(response.status(), `${method} ${route.path}`).toBe(401);
      expect((await response.json()).error, `${method} ${route.path}`).toBeTruthy();
    }
  }
});

test("cron routes need the bearer CRON_SECRET", async () => {
  // One dynamic route serves every job of the registry; a path that is no job is refused the same way.
  const cron = [...JOBS.map(cronPath), "/api/cron/no-such-job"];
  for (const path of cron) {
    expect((await anonymous.get(path)).status(), path).toBe(401);
    expect((await anonymous.get(path, { headers: { authorization: "Bearer wrong" } })).status(), path).toBe(401);
    // A signed-in admin is not a scheduler either.
    expect((await admin.get(path)).status(), path).toBe(401);
  }
  const ok = await anonymous.get("/api/cron/prune", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toMatchObject({ retentionDays: 30, activityDeleted: expect.any(Number) });
  const unknown = await anonymous.get("/api/cron/no-such-job", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toMatch(/No scheduled job at \/api\/cron\/no-such-job/);
});

test("a viewer can read but not change anything (403)", async () => {
  expect((await viewer.get("/api/integrations/status")).status()).toBe(200);
  const connect = await viewer.post("/api/integrations/stripe/connect", { data: { fields: { secretKey: STRIPE_KEY } } });
  expect(connect.status()).toBe(403);
  expect((await connect.json()).error).toMatch(/viewer/);
  expect((await viewer.delete("/api/integrations/stripe")).status()).toBe(403);
  expect((await viewer.post("/api/integrations/stripe/test")).status()).toBe(403);
});

test("a change sent from another site with the admin's cookie is refused (403); same-origin ones go through", async () => {
  const evil = { Origin: "http://evil.example" };
  const attempts = [
    admin.post("/api/leads", { headers: evil, data: { name: "Mallory", email: "m@evil.example" } }),
    admin.post("/api/webhook-endpoints", { headers: evil, data: { url: "https://evil.example/hook", events: ["lead.created"] } }),
    admin.post("/api/sms", { headers: evil, data: { to: "+15005550006", body: "hi" } }),
    admin.post("/api/integrations/stripe/test", { headers: evil }),
    admin.delete("/api/integrations/stripe", { headers: evil }),
    admin.post("/api/setup", { headers: evil, data: {} }),
    // A form post, which another site can send without asking the browser first.
    admin.post("/api/leads", { headers: { ...evil, "content-type": "application/x-www-form-urlencoded" }, data: "name=M&email=m%40evil.example" }),
    // No Origin and no Sec-Fetch-Site: not a browser on Plugboard's pages.
    admin.post("/api/leads", { headers: { Origin: "" }, data: { name: "Mallory", email: "m@evil.example" } }),
  ];
  for (const response of await Promise.all(attempts)) {
    expect(response.status(), await response.text()).toBe(403);
    expect((await response.json()).error).toMatch(/^Refused: /);
  }
  const leads = await (await admin.get("/api/leads")).json();
  expect(JSON.stringify(leads)).not.toContain("evil.example");
  // A form body is refused even from Plugboard's own origin: changes take JSON.
  const form = await admin.post("/api/leads", { headers: { "content-type": "application/x-www-form-urlencoded" }, data: "name=M&email=m%40acme.test" });
  expect(form.status()).toBe(415);
  // What a browser on Plugboard's pages sends passes the check (and meets the route's own validation).
  const sameSite = await admin.post("/api/leads", { headers: { Origin: "", "Sec-Fetch-Site": "same-origin" }, data: {} });
  expect(sameSite.status()).toBe(400);
});

test("bad input gets a 4xx that says what is wrong, never a 500", async () => {
  const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    // A Buffer goes out byte for byte (Playwright would JSON-encode a string).
    admin.fetch("/api/integrations/stripe/connect", { method: "POST", headers, data: Buffer.from(body) });

  const malformed = await post("{not json");
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error).toMatch(/not valid JSON/);

  const missing = await post(JSON.stringify({ fields: {} }));
  expect(missing.status()).toBe(400);
  expect(JSON.stringify(await missing.json())).toMatch(/secretKey/);

  const wrongShape = await post(JSON.stringify({ fields: { secretKey: "pk_test_123" } }));
  expect(wrongShape.status()).toBe(400);

  const huge = await post(JSON.stringify({ fields: { secretKey: "x".repeat(200_000) } }));
  expect(huge.status()).toBe(413);

  expect((await post("secretKey=1", { "content-type": "application/x-www-form-urlencoded" })).status()).toBe(415);

  const unknown = await admin.post("/api/integrations/no-such-provider/connect", { data: { fields: {} } });
  expect(unknown.status()).toBe(404);

  const missingFields = await admin.post("/api/integrations/s3/connect", { data: { fields: {} } });
  expect(missingFields.status()).toBe(400);

  const badQuery = await admin.get("/api/activity?pageSize=100000");
  expect(badQuery.status()).toBe(400);

  expect((await admin.post("/api/setup", { data: {} })).status()).toBe(410);
});

test("secrets never come back: not in responses, not in the server log", async () => {
  const connected = await admin.post("/api/integrations/stripe/connect", { data: { fields: { secretKey: STRIPE_KEY } } });
  expect(connected.status(), await connected.text()).toBe(200);
  const rejected = await admin.post("/api/integrations/sendgrid/connect", {
    data: { fields: { apiKey: "SG.PlugboardWrongKey0000001.FakeSecretForTestsOnly0000000000000000000009", fromEmail: "ops@plugboard.test" } },
  });
  expect(rejected.status()).toBe(422);
  const bodies = [
    await connected.text(),
    await rejected.text(),
    await (await admin.get("/api/integrations")).text(),
    await (await admin.get("/api/integrations/status")).text(),
    await (await admin.post("/api/integrations/stripe/test")).text(),
    await (await admin.get("/api/activity")).text(),
  ];
  for (const body of bodies) {
    expect(body).not.toContain("PlugboardValidKey");
    expect(body).not.toContain("PlugboardWrongKey");
  }
  const status = await (await admin.get("/api/integrations/status")).json();
  expect(status.integrations.stripe).toMatchObject({ connected: true, status: "active" });
  expect((await admin.delete("/api/integrations/stripe")).status()).toBe(200);
  const log = fs.readFileSync(SERVER_LOG, "utf8");
  expect(log).not.toContain("PlugboardValidKey");
  expect(log).not.toContain("PlugboardWrongKey");
  expect(log).not.toContain(ADMIN.password);
});

test("sign-in is rate limited per account", async () => {
  const context = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN });
  for (let i = 0; i < 5; i++) expect((await signIn(context, "locked@plugboard.test", "wrong password")).error).toMatch(/Wrong email or password/);
  expect((await signIn(context, "locked@plugboard.test", "wrong password")).error).toMatch(/Too many sign-in attempts/);
  await context.dispose();
});

test("signing out ends the session on the server: a kept copy of the cookie reads and writes nothing", async () => {
  const browser = await signedInRequest(ADMIN.email, ADMIN.password);
  const copy = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN, storageState: await browser.storageState() });
  expect((await copy.get("/api/integrations/status")).status()).toBe(200);
  const { csrfToken } = (await (await browser.get("/api/auth/csrf")).json()) as { csrfToken: string };
  expect((await browser.post("/api/auth/signout", { form: { csrfToken, json: "true" }, maxRedirects: 0 })).status()).toBeLessThan(400);
  expect((await copy.get("/api/integrations/status")).status()).toBe(401);
  expect((await copy.post("/api/leads", { data: { name: "After sign-out", email: "after@acme.test" } })).status()).toBe(401);
  // Another session of the same admin is untouched.
  expect((await admin.get("/api/integrations/status")).status()).toBe(200);
  await Promise.all([browser.dispose(), copy.dispose()]);
});
