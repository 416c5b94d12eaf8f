// The OAuth and token-refresh routes, called as Next calls them, with the session seam replaced by a
// fixed signed-in user (next-auth needs Next's request context). Below the session everything is
// real: cookies, redirects, the refusal page, the fakes. And no token in any answer or log line.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { session } from "@/tests/helpers/session";
import { resetConfig } from "@/lib/config";
import { OAUTH_CLIENTS } from "@/tests/fakes/oauth";
import { seedOAuthConnection } from "@/tests/helpers/oauth";
import { colleague, signedIn, useHarness } from "../integrations/setup";

vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session"));
const auth = session;

const startRoute = await import("@/app/api/integrations/[id]/oauth/start/route");
const callbackRoute = await import("@/app/api/integrations/[id]/oauth/callback/route");
const cronRoute = await import("@/app/api/cron/[job]/route");
const itemRoute = await import("@/app/api/integrations/[id]/route");
const testRoute = await import("@/app/api/integrations/[id]/test/route");
const statusRoute = await import("@/app/api/integrations/status/route");
const catalogRoute = await import("@/app/api/integrations/route");

const h = useHarness();
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });
const noParams = { params: Promise.resolve({}) };
const refreshJob = { params: Promise.resolve({ job: "refresh-tokens" }) };

/** Every answer of this file, for the leak check at the end of each test. */
let answers: string[] = [];
let logged: string[] = [];
const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeEach(async () => {
  auth.user = await signedIn(h.t.db);
  answers = [];
  logged = [];
  // Every log line, at the most talkative level.
  process.env.LOG_LEVEL = "debug";
  resetConfig();
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return (writes.out as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return (writes.err as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
});

afterEach(async () => {
  process.stdout.write = writes.out;
  process.stderr.write = writes.err;
  process.env.LOG_LEVEL = "error";
  resetConfig();
  // No token, code or client secret in any answer, log line, or stored row except the sealed credential.
  const secrets = [...h.fakes.oauth.issuedTokens(), ...Object.values(OAUTH_CLIENTS).map((c) => c.clientSecret)];
  const stored = JSON.stringify([
    await h.t.db.connection.findMany(),
    await h.t.db.integrationActivity.findMany(),
    await h.t.db.auditLog.findMany(),
    await h.t.db.oAuthState.findMany(),
  ]);
  for (const secret of secrets) {
    for (const answer of answers) expect(answer, "a token in an answer").not.toContain(secret);
    for (const line of logged) expect(line, "a token in a log line").not.toContain(secret);
    expect(stored, "a token in a stored row").not.toContain(secret);
  }
});

async function record(response: Response): Promise<{ status: number; text: string; headers: Headers }> {
  const text = await response.text();
  answers.push(text, JSON.stringify([...response.headers.entries()]));
  return { status: response.status, text, headers: response.headers };
}

function get(path: string, cookie?: string) {
  return new Request(`http://localhost:3000${path}`, { headers: cookie ? { cookie } : {} });
}

/** Start, consent at the fake, and the callback — as the browser would, cookies included. */
async function browserConnect(providerId: string, choice: { decision?: "allow" | "deny" } = {}) {
  const start = await record(await startRoute.GET(get(`/api/integrations/${providerId}/oauth/start`), idParams(providerId)));
  const setCookie = start.headers.get("set-cookie")!;
  const binding = setCookie.split(";")[0]!;
  const redirect = await h.fakes.oauth.consent(start.headers.get("location")!, choice);
  const callback = await record(await callbackRoute.GET(get(redirect.pathname + redirect.search, binding), idParams(providerId)));
  return { start, setCookie, binding, redirect, callback };
}

const flashOf = (headers: Headers) => {
  const cookie = headers.getSetCookie().find((c) => c.startsWith("plugboard_flash="))!;
  return JSON.parse(decodeURIComponent(cookie.split(";")[0]!.slice("plugboard_flash=".length)));
};

describe("GET /api/integrations/[id]/oauth/start and /callback", () => {
  it("redirects to the consent page with a binding cookie, and the callback returns to the dashboard with a message", async () => {
    const { start, setCookie, callback } = await browserConnect("google-calendar");
    expect(start.status).toBe(302);
    expect(start.headers.get("location")).toMatch(new RegExp(`^${h.fakes.oauth.env.GOOGLE_OAUTH_AUTHORIZE_URL}\\?`));
    expect(setCookie).toMatch(/^plugboard_oauth_google_calendar=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/Path=\/api\/integrations\/google-calendar\/oauth/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=lax/i);
    expect(setCookie).toMatch(/Max-Age=600/);
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe("http://localhost:3000/integrations");
    expect(flashOf(callback.headers)).toEqual({ providerId: "google-calendar", ok: true, message: "Google Calendar connected as ada@plugboard.test." });
    // The spent binding cookie is cleared.
    expect(callback.headers.getSetCookie().find((c) => c.startsWith("plugboard_oauth_google_calendar="))).toMatch(/Max-Age=0/);
    const status = await record(await statusRoute.GET(get("/api/integrations/status"), noParams));
    expect(JSON.parse(status.text).integrations["google-calendar"]).toMatchObject({ connected: true, status: "active", accountLabel: "ada@plugboard.test" });
  });

  it("tells the admin about a declined consent on the dashboard", async () => {
    const { callback } = await browserConnect("linkedin", { decision: "deny" });
    expect(callback.status).toBe(303);
    expect(flashOf(callback.headers)).toMatchObject({ ok: false, message: "LinkedIn was not connected: the consent was declined at LinkedIn." });
    expect(await h.t.db.connection.count()).toBe(0);
  });

  it("refuses a replayed, foreign or cookie-less callback with a page that says why, and stores nothing", async () => {
    const start = await record(await startRoute.GET(get("/api/integrations/x/oauth/start"), idParams("x")));
    const binding = start.headers.get("set-cookie")!.split(";")[0]!;
    const redirect = await h.fakes.oauth.consent(start.headers.get("location")!);
    const path = redirect.pathname + redirect.search;

    const noCookie = await record(await callbackRoute.GET(get(path), idParams("x")));
    expect(noCookie.status).toBe(400);
    expect(noCookie.headers.get("content-type")).toMatch(/text\/html/);
    expect(noCookie.text).toContain("This sign-in was started by another session");
    expect(noCookie.text).toContain("Nothing was saved.");
    expect(noCookie.text).toContain('href="/integrations"');

    const admin = auth.user!;
    auth.user = await colleague(h.t.db, admin, "admin");
    expect((await record(await callbackRoute.GET(get(path, binding), idParams("x")))).text).toContain('data-problem="other_session"');
    auth.user = admin;
    expect(await h.t.db.connection.count()).toBe(0);

    expect((await record(await callbackRoute.GET(get(path, binding), idParams("x")))).status).toBe(303);
    const replay = await record(await callbackRoute.GET(get(path, binding), idParams("x")));
    expect(replay.status).toBe(400);
    expect(replay.text).toContain("This sign-in link was already used.");
  });

  it("answers bad input and refusals with a 4xx that says what to do", async () => {
    const tooLong = await record(await callbackRoute.GET(get(`/api/integrations/x/oauth/callback?state=${"s".repeat(600)}`), idParams("x")));
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.text).fields).toHaveProperty("query.state");
    expect((await record(await startRoute.GET(get("/api/integrations/nope/oauth/start"), idParams("nope")))).status).toBe(404);
    expect((await record(await startRoute.GET(get("/api/integrations/stripe/oauth/start"), idParams("stripe")))).status).toBe(409);

    const saved = process.env.X_CLIENT_ID;
    delete process.env.X_CLIENT_ID;
    try {
      const unconfigured = await record(await startRoute.GET(get("/api/integrations/x/oauth/start"), idParams("x")));
      expect(unconfigured.status).toBe(409);
      expect(JSON.parse(unconfigured.text).error).toMatch(
        /^X is not configured on this deployment: set X_CLIENT_ID, and register http:\/\/localhost:3000\/api\/integrations\/x\/oauth\/callback/,
      );
      const catalog = JSON.parse((await record(await catalogRoute.GET(get("/api/integrations"), noParams))).text);
      expect(catalog.providers.find((p: { id: string }) => p.id === "x").oauth.setup).toMatchObject({ configured: false, missing: ["X_CLIENT_ID"] });
    } finally {
      process.env.X_CLIENT_ID = saved;
    }

    auth.user = await colleague(h.t.db, auth.user!, "viewer");
    expect((await record(await startRoute.GET(get("/api/integrations/x/oauth/start"), idParams("x")))).status).toBe(403);
    auth.user = null;
    expect((await record(await startRoute.GET(get("/api/integrations/x/oauth/start"), idParams("x")))).status).toBe(401);
    expect((await record(await callbackRoute.GET(get("/api/integrations/x/oauth/callback?code=a&state=b"), idParams("x")))).status).toBe(401);
  });

  it("tests and disconnects an OAuth connection through the generic routes", async () => {
    await browserConnect("x");
    const tested = await record(await testRoute.POST(new Request("http://localhost:3000/api/integrations/x/test", { method: "POST" }), idParams("x")));
    expect(JSON.parse(tested.text)).toMatchObject({ ok: true, message: "Connected: @plugboard" });
    const removed = await record(await itemRoute.DELETE(new Request("http://localhost:3000/api/integrations/x", { method: "DELETE" }), idParams("x")));
    expect(JSON.parse(removed.text)).toMatchObject({ ok: true, revoke: "revoked", status: { connected: false } });
  });
});

describe("GET /api/cron/refresh-tokens", () => {
  it("needs the cron secret, then refreshes what is due and answers the report", async () => {
    const workspace = auth.user!.workspaceId;
    const tokens = h.fakes.oauth.seedGrant("x");
    await seedOAuthConnection(h.t.db, { workspaceId: workspace, providerId: "x", tokens, expiresAt: new Date(Date.now() - 1000) });
    const refused = await record(await cronRoute.GET(new Request("http://localhost:3000/api/cron/refresh-tokens"), refreshJob));
    expect(refused.status).toBe(401);
    const wrong = await record(await cronRoute.GET(new Request("http://localhost:3000/api/cron/refresh-tokens", { headers: { authorization: "Bearer nope" } }), refreshJob));
    expect(wrong.status).toBe(401);
    expect(h.fakes.oauth.tokenRequests("x")).toHaveLength(0);
    const ok = await record(
      await cronRoute.GET(new Request("http://localhost:3000/api/cron/refresh-tokens", { headers: { authorization: "Bearer test-cron-secret" } }), refreshJob),
    );
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ processed: 1, refreshed: 1, failed: { total: 0 }, workspaces: { [workspace]: { refreshed: 1 } } });
  });

  it("reports a refused grant without the token in the report, the log or the connection's error", async () => {
    const workspace = auth.user!.workspaceId;
    const tokens = h.fakes.oauth.seedGrant("google");
    h.fakes.oauth.revokeRefreshToken(tokens.refreshToken);
    await seedOAuthConnection(h.t.db, { workspaceId: workspace, providerId: "google-calendar", tokens, expiresAt: new Date(Date.now() - 1000) });
    const ok = await record(
      await cronRoute.GET(new Request("http://localhost:3000/api/cron/refresh-tokens", { headers: { authorization: "Bearer test-cron-secret" } }), refreshJob),
    );
    expect(JSON.parse(ok.text)).toMatchObject({ failed: { total: 1, byCategory: { auth: 1 } }, needsReauth: 1 });
    const status = JSON.parse((await record(await statusRoute.GET(get("/api/integrations/status"), noParams))).text);
    expect(status.integrations["google-calendar"]).toMatchObject({ needsReauth: true, lastError: { category: "auth" } });
  });
});
