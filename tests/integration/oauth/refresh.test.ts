// The token lifecycle against the fake authorization servers: due and idle refreshes, X's rotating
// refresh tokens, refused grants → Reconnect, transient failures that leave a working connection
// alone, on-demand refresh (expired token, 401), and the lease: never two refresh requests for one
// connection, whoever asks and however many at once.
import { describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { createPrismaClient } from "@/lib/db/client";
import { testConnection } from "@/lib/connections/api-key";
import { integrationStatus } from "@/lib/connections/status";
import { getAccessToken, withAccessToken } from "@/lib/connections/oauth/access";
import { acquireLease, releaseLease } from "@/lib/connections/oauth/lease";
import { refreshConnection, refreshDueTokens } from "@/lib/connections/oauth/refresh";
import { getJson } from "@/lib/integrations/kit/oauth-wire";
import type { OAuthProviderKind } from "@/tests/fakes/oauth";
import { createWorkspace } from "@/tests/helpers/factories";
import { seedOAuthConnection, seedOAuthConnections, storedTokens } from "@/tests/helpers/oauth";
import { signedIn, useHarness } from "../integrations/setup";
import { connectThroughFake } from "./helpers";

const h = useHarness();

const HOUR = 3_600_000;
const KIND: Record<string, OAuthProviderKind> = { "google-calendar": "google", "outlook-calendar": "microsoft", linkedin: "linkedin", x: "x" };

/** A connection whose grant the fake knows, expiring at `expiresAt`. */
async function seeded(providerId: string, expiresAt: Date | null, options: { workspaceId?: string; lastRefreshedAt?: Date } = {}) {
  const workspaceId = options.workspaceId ?? (await createWorkspace(h.t.db)).id;
  if (providerId === "linkedin") h.fakes.oauth.behaviour.linkedin.issueRefreshTokens = true;
  const tokens = h.fakes.oauth.seedGrant(KIND[providerId]!);
  const id = await seedOAuthConnection(h.t.db, { workspaceId, providerId, tokens, expiresAt, lastRefreshedAt: options.lastRefreshedAt });
  return { id, workspaceId, tokens };
}

const row = (id: string) => h.t.db.connection.findUniqueOrThrow({ where: { id } });
const past = () => new Date(Date.now() - 60_000);

describe("the scheduled refresh", () => {
  it("refreshes connections expiring within the window and leaves the others; reports per workspace", async () => {
    const due = await seeded("google-calendar", new Date(Date.now() + 2 * HOUR));
    const later = await seeded("google-calendar", new Date(Date.now() + 30 * HOUR));
    const report = await refreshDueTokens();
    expect(report).toMatchObject({ processed: 1, refreshed: 1, skipped: 0, failed: { total: 0, byCategory: {} }, needsReauth: 0, windowHours: 24, idleHours: 24 });
    expect(report.workspaces).toEqual({ [due.workspaceId]: { processed: 1, refreshed: 1, failed: 0, skipped: 0 } });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(h.fakes.oauth.tokenRequests("google", "refresh_token")).toHaveLength(1);
    const refreshed = await row(due.id);
    expect(refreshed.tokenVersion).toBe(1);
    expect(refreshed.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(refreshed.refreshLeaseId).toBeNull();
    const tokens = await storedTokens(h.t.db, due.id);
    expect(tokens!.accessToken).not.toBe(due.tokens.accessToken);
    // Google sends no new refresh token: the stored one stays.
    expect(tokens!.refreshToken).toBe(due.tokens.refreshToken);
    expect((await row(later.id)).tokenVersion).toBe(0);
    // The refresh went through the pipeline: one activity row on the connection.
    expect(await h.t.db.integrationActivity.findMany({ where: { connectionId: due.id } })).toMatchObject([{ operation: "token.refresh", outcome: "success", actor: "cron" }]);
  });

  it("honours a configured window", async () => {
    const soon = await seeded("google-calendar", new Date(Date.now() + 30 * HOUR));
    process.env.TOKEN_REFRESH_WINDOW_HOURS = "48";
    resetConfig();
    try {
      expect((await refreshDueTokens()).refreshed).toBe(1);
    } finally {
      delete process.env.TOKEN_REFRESH_WINDOW_HOURS;
      resetConfig();
    }
    expect((await row(soon.id)).tokenVersion).toBe(1);
  });

  it("refreshes idle refreshable connections so their refresh tokens do not lapse", async () => {
    const idle = await seeded("linkedin", new Date(Date.now() + 50 * 24 * HOUR), { lastRefreshedAt: new Date(Date.now() - 25 * HOUR) });
    const recent = await seeded("linkedin", new Date(Date.now() + 50 * 24 * HOUR), { lastRefreshedAt: new Date(Date.now() - 2 * HOUR) });
    expect((await refreshDueTokens()).refreshed).toBe(1);
    expect((await row(idle.id)).lastRefreshedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await row(recent.id)).tokenVersion).toBe(0);
    expect(h.fakes.oauth.tokenRequests("linkedin", "refresh_token")).toHaveLength(1);
  });

  it("stores X's rotated refresh token, so the next refresh works (the old one is spent)", async () => {
    const x = await seeded("x", past());
    expect((await refreshDueTokens()).refreshed).toBe(1);
    const first = await storedTokens(h.t.db, x.id);
    expect(first!.refreshToken).not.toBe(x.tokens.refreshToken);
    expect(h.fakes.oauth.isRefreshTokenValid(x.tokens.refreshToken)).toBe(false);
    expect(h.fakes.oauth.isRefreshTokenValid(first!.refreshToken!)).toBe(true);
    // Due again: the stored (rotated) token must be the one sent.
    await h.t.db.connection.update({ where: { id: x.id }, data: { expiresAt: past() } });
    expect((await refreshDueTokens()).refreshed).toBe(1);
    const second = await storedTokens(h.t.db, x.id);
    const [, secondRequest] = h.fakes.oauth.tokenRequests("x", "refresh_token");
    expect(new URLSearchParams(secondRequest!.body).get("refresh_token")).toBe(first!.refreshToken);
    expect(second!.refreshToken).not.toBe(first!.refreshToken);
    expect(await row(x.id)).toMatchObject({ status: "connected", needsReauth: false, tokenVersion: 2 });
  });

  it("refreshes Microsoft through MSAL's persisted cache in a fresh client, and stores the rotated cache", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "outlook-calendar");
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { providerId: "outlook-calendar" } });
    const before = await storedTokens(h.t.db, connection.id);
    expect(JSON.parse(before!.msalCache!)).toHaveProperty("RefreshToken");
    await h.t.db.connection.update({ where: { id: connection.id }, data: { expiresAt: past() } });
    expect((await refreshDueTokens()).refreshed).toBe(1);
    const [request] = h.fakes.oauth.tokenRequests("microsoft", "refresh_token");
    expect(new URLSearchParams(request!.body).get("refresh_token")).toBe(before!.refreshToken);
    const after = await storedTokens(h.t.db, connection.id);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.msalCache).toContain(after!.refreshToken!);
    expect(after!.accessToken).not.toBe(before!.accessToken);
  });

  it("turns invalid_grant (and X's spent-token answer) into needsReauth with Reconnect, once", async () => {
    for (const providerId of ["google-calendar", "x", "outlook-calendar"]) {
      const c = await seeded(providerId, past());
      h.fakes.oauth.revokeRefreshToken(c.tokens.refreshToken);
    }
    const report = await refreshDueTokens();
    expect(report).toMatchObject({ processed: 3, refreshed: 0, failed: { total: 3, byCategory: { auth: 3 } }, needsReauth: 3 });
    for (const c of await h.t.db.connection.findMany()) {
      expect(c).toMatchObject({ status: "error", needsReauth: true, lastErrorCategory: "auth", refreshLeaseId: null });
      expect(c.lastError).toMatch(/invalid_grant|invalid_request/);
      const status = (await integrationStatus(c.workspaceId))[c.providerId];
      expect(status).toMatchObject({ needsReauth: true, status: "error" });
    }
    // One audit entry each; a second run does not try again (the grant is gone until the admin reconnects).
    expect(await h.t.db.auditLog.count({ where: { action: "integration.needs_reauth" } })).toBe(3);
    const requests = h.fakes.oauth.requests.length;
    expect((await refreshDueTokens()).processed).toBe(0);
    expect(h.fakes.oauth.requests.length).toBe(requests);
  });

  it("retries transient failures; a working connection is left alone, an expired one shows the error until a run succeeds", async () => {
    const working = await seeded("google-calendar", new Date(Date.now() + 2 * HOUR));
    h.fakes.oauth.failNext({ status: 503 }, 3);
    const first = await refreshDueTokens();
    expect(first).toMatchObject({ refreshed: 0, failed: { total: 1, byCategory: { transient: 1 } }, needsReauth: 0 });
    expect(h.fakes.oauth.tokenRequests("google", "refresh_token")).toHaveLength(3);
    expect(await row(working.id)).toMatchObject({ status: "connected", needsReauth: false, tokenVersion: 0 });

    await h.t.db.connection.update({ where: { id: working.id }, data: { expiresAt: past() } });
    h.fakes.oauth.failNext({ status: 503 }, 3);
    await refreshDueTokens();
    expect(await row(working.id)).toMatchObject({ status: "error", needsReauth: false, lastErrorCategory: "transient" });
    expect(await refreshDueTokens()).toMatchObject({ refreshed: 1 });
    expect(await row(working.id)).toMatchObject({ status: "connected", needsReauth: false, lastError: null, tokenVersion: 1 });
  });

  it("waits out a rate limit (Retry-After) and succeeds", async () => {
    await seeded("x", past());
    h.fakes.oauth.failNext({ status: 429, retryAfter: 0, body: { title: "Too Many Requests", detail: "Too Many Requests", status: 429 } });
    expect(await refreshDueTokens()).toMatchObject({ refreshed: 1, failed: { total: 0 } });
    expect(h.fakes.oauth.tokenRequests("x", "refresh_token")).toHaveLength(2);
  });

  it("flags an expired token that has no refresh token (LinkedIn without programmatic refresh), once", async () => {
    const workspace = await createWorkspace(h.t.db);
    const tokens = h.fakes.oauth.seedGrant("linkedin");
    const id = await seedOAuthConnection(h.t.db, { workspaceId: workspace.id, providerId: "linkedin", tokens: { accessToken: tokens.accessToken }, expiresAt: past() });
    expect(await refreshDueTokens()).toMatchObject({ processed: 1, needsReauth: 1, failed: { byCategory: { auth: 1 } } });
    expect(await row(id)).toMatchObject({ status: "error", needsReauth: true, lastErrorCategory: "auth" });
    expect((await refreshDueTokens()).processed).toBe(0);
    expect(await h.t.db.auditLog.count({ where: { action: "integration.needs_reauth" } })).toBe(1);
    expect(h.fakes.oauth.tokenRequests("linkedin")).toHaveLength(0);
  });

  it("8 concurrent runs over 200 due connections send exactly 200 refresh requests", async () => {
    const providers = ["google-calendar", "outlook-calendar", "x", "linkedin"];
    h.fakes.oauth.behaviour.linkedin.issueRefreshTokens = true;
    const rows = [];
    for (let w = 0; w < 50; w++) {
      const workspace = await createWorkspace(h.t.db, `Concurrent ${w}`);
      for (const providerId of providers) rows.push({ workspaceId: workspace.id, providerId, tokens: h.fakes.oauth.seedGrant(KIND[providerId]!), expiresAt: past() });
    }
    const ids = await seedOAuthConnections(h.t.db, rows);
    // Every run has its own connection pool, as separate serverless instances would.
    const clients = Array.from({ length: 8 }, () => createPrismaClient(h.t.url, 3));
    try {
      const reports = await Promise.all(clients.map((db) => refreshDueTokens({ db, concurrency: 8 })));
      const refreshRequests = providers.reduce((n, p) => n + h.fakes.oauth.tokenRequests(KIND[p]!, "refresh_token").length, 0);
      expect(refreshRequests).toBe(200);
      expect(reports.reduce((n, r) => n + r.refreshed, 0)).toBe(200);
      expect(reports.reduce((n, r) => n + r.failed.total, 0)).toBe(0);
      const after = await h.t.db.connection.findMany({ where: { id: { in: ids } } });
      expect(after.every((c) => c.tokenVersion === 1 && c.status === "connected" && !c.needsReauth && c.refreshLeaseId === null)).toBe(true);
      // X's rotation would have killed any connection refreshed twice: every stored refresh token still works.
      for (const id of ids) {
        const tokens = await storedTokens(h.t.db, id);
        expect(h.fakes.oauth.isRefreshTokenValid(tokens!.refreshToken!)).toBe(true);
      }
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
  });
});

describe("on-demand refresh", () => {
  const identify = (workspaceId: string, providerId = "google-calendar") =>
    withAccessToken({ workspaceId, providerId, operation: "userinfo.get", actor: "system" }, (token, signal) =>
      getJson(h.fakes.oauth.env.GOOGLE_OAUTH_USERINFO_URL!, { providerName: "Google", signal, authorization: `Bearer ${token.accessToken}` }),
    );

  it("refreshes an expired token before the call, through the same lease", async () => {
    const c = await seeded("google-calendar", past());
    const result = await identify(c.workspaceId);
    expect(result).toMatchObject({ ok: true, value: { email: "ada@plugboard.test" } });
    expect(h.fakes.oauth.tokenRequests("google", "refresh_token")).toHaveLength(1);
    expect((await row(c.id)).tokenVersion).toBe(1);
  });

  it("ten concurrent callers with an expired token cause one refresh, and all get the new token", async () => {
    const c = await seeded("x", past());
    const tokens = await Promise.all(Array.from({ length: 10 }, () => getAccessToken(c.workspaceId, "x", { actor: "system" })));
    expect(h.fakes.oauth.tokenRequests("x", "refresh_token")).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(tokens[0]!.accessToken).not.toBe(c.tokens.accessToken);
    expect(tokens[0]!.tokenVersion).toBe(1);
  });

  it("a 401 answer refreshes once and retries the call; concurrent 401s share the refresh", async () => {
    const c = await seeded("google-calendar", new Date(Date.now() + HOUR));
    h.fakes.oauth.invalidateAccessToken(c.tokens.accessToken);
    const results = await Promise.all(Array.from({ length: 4 }, () => identify(c.workspaceId)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(h.fakes.oauth.tokenRequests("google", "refresh_token")).toHaveLength(1);
    expect(await row(c.id)).toMatchObject({ status: "connected", needsReauth: false, tokenVersion: 1 });
  });

  it("a cron run and on-demand callers at the same time still send one refresh request", async () => {
    const c = await seeded("x", past());
    const [report] = await Promise.all([refreshDueTokens(), ...Array.from({ length: 3 }, () => getAccessToken(c.workspaceId, "x"))]);
    expect(h.fakes.oauth.tokenRequests("x", "refresh_token")).toHaveLength(1);
    expect(report.failed.total).toBe(0);
  });

  it("a refused refresh on demand fails the call gracefully and asks for Reconnect", async () => {
    const c = await seeded("google-calendar", past());
    h.fakes.oauth.revokeRefreshToken(c.tokens.refreshToken);
    const result = await identify(c.workspaceId);
    expect(result).toMatchObject({ ok: false, category: "auth", gracefulFail: true });
    expect(await row(c.id)).toMatchObject({ needsReauth: true, status: "error" });
  });

  it("the card's Test reads the account with a refreshed token", async () => {
    const user = await signedIn(h.t.db);
    await connectThroughFake(h.fakes.oauth, user, "x");
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { providerId: "x" } });
    const tokens = await storedTokens(h.t.db, connection.id);
    h.fakes.oauth.invalidateAccessToken(tokens!.accessToken!);
    const result = await testConnection(user, "x");
    expect(result).toMatchObject({ ok: true, message: "Connected: @plugboard", status: { status: "active" } });
    expect(h.fakes.oauth.tokenRequests("x", "refresh_token")).toHaveLength(1);
  });
});

describe("the lease", () => {
  it("goes to one holder at a time, expires, and is released only by its holder", async () => {
    const c = await seeded("google-calendar", past());
    const now = new Date();
    const first = await acquireLease(h.t.db, c.id, undefined, now);
    expect(first?.connection).toMatchObject({ id: c.id, workspaceId: c.workspaceId, providerId: "google-calendar", tokenVersion: 0, credential: { keyId: expect.any(String) } });
    expect(await acquireLease(h.t.db, c.id, undefined, now)).toBeNull();
    // Someone else's release does nothing.
    expect((await releaseLease(h.t.db, { ...first!.lease, id: "not-the-holder" })).count).toBe(0);
    expect(await acquireLease(h.t.db, c.id, undefined, now)).toBeNull();
    // A dead holder's lease expires.
    expect(await acquireLease(h.t.db, c.id, undefined, new Date(first!.lease.until.getTime() + 1))).not.toBeNull();
  });

  it("an on-demand caller waits for the holder and reuses its result instead of refreshing again", async () => {
    const c = await seeded("x", past());
    const version = (await row(c.id)).tokenVersion;
    const leased = await acquireLease(h.t.db, c.id);
    const waiting = refreshConnection(c.id, { kind: "expired", seenVersion: version }, { wait: true });
    await new Promise((r) => setTimeout(r, 300));
    // The holder stores a new token (as a finished refresh would) and releases.
    await h.t.db.connection.update({ where: { id: c.id }, data: { tokenVersion: { increment: 1 }, expiresAt: new Date(Date.now() + HOUR) } });
    await releaseLease(h.t.db, leased!.lease);
    expect(await waiting).toEqual({ result: "reused", tokenVersion: version + 1 });
    expect(h.fakes.oauth.tokenRequests("x")).toHaveLength(0);
  });
});
