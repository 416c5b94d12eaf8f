// The token lifecycle against the fake authorization servers: due and idle refreshes, X's rotating
// refresh tokens, refused grants → Reconnect, transient failures that leave a working connection
// alone, on-demand refresh (expired token, 401), and the lease: never two refresh requests for one
// connection, whoever asks and however many at once. The scheduled run leases and saves in bulk
// (one statement per batch): the bulk lease, the bulk save and the run keep the same guarantees.
import { describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { createPrismaClient } from "@/lib/db/client";
import { testConnection } from "@/lib/connections/api-key";
import { integrationStatus } from "@/lib/connections/status";
import { getAccessToken, withAccessToken } from "@/lib/connections/oauth/access";
import { acquireLease, acquireLeases, releaseLease, renewLease } from "@/lib/connections/oauth/lease";
import { dueSql, refreshConnection, refreshDueTokens } from "@/lib/connections/oauth/refresh";
import { saveRefreshedTokens, type RefreshedTokens } from "@/lib/connections/oauth/tokens";
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
const credential = (connectionId: string) => h.t.db.credential.findUniqueOrThrow({ where: { connectionId } });
const past = () => new Date(Date.now() - 60_000);
/** The refresh requests that carried this refresh token. */
const requestsWith = (kind: OAuthProviderKind, refreshToken: string) =>
  h.fakes.oauth.tokenRequests(kind, "refresh_token").filter((r) => new URLSearchParams(r.body).get("refresh_token") === refreshToken);

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

  it("leaves a paused connection alone and refreshes it once it is resumed", async () => {
    const paused = await seeded("google-calendar", past());
    const other = await seeded("google-calendar", past());
    await h.t.db.connection.update({ where: { id: paused.id }, data: { pausedAt: new Date() } });
    expect(await refreshDueTokens()).toMatchObject({ processed: 1, refreshed: 1 });
    expect(requestsWith("google", paused.tokens.refreshToken!)).toHaveLength(0);
    expect((await row(paused.id)).tokenVersion).toBe(0);
    expect((await row(other.id)).tokenVersion).toBe(1);
    await h.t.db.connection.update({ where: { id: paused.id }, data: { pausedAt: null } });
    expect(await refreshDueTokens()).toMatchObject({ processed: 1, refreshed: 1 });
    expect((await row(paused.id)).tokenVersion).toBe(1);
  });

  it("keeps a new refresh token whenever Google's answer carries one (a rotating server spends the old one)", async () => {
    h.fakes.oauth.behaviour.google.rotateRefreshTokens = true;
    const google = await seeded("google-calendar", past());
    expect((await refreshDueTokens()).refreshed).toBe(1);
    const first = await storedTokens(h.t.db, google.id);
    expect(first!.refreshToken).not.toBe(google.tokens.refreshToken);
    await h.t.db.connection.update({ where: { id: google.id }, data: { expiresAt: past(), lastRefreshedAt: new Date(Date.now() - 2 * HOUR) } });
    expect(await refreshDueTokens()).toMatchObject({ refreshed: 1, needsReauth: 0 });
    expect(requestsWith("google", first!.refreshToken!)).toHaveLength(1);
    expect((await row(google.id)).needsReauth).toBe(false);
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

describe("the batched run", () => {
  const due = () => dueSql(new Date());

  /** `count` due connections over the four providers, each in a workspace of its own per provider. */
  async function dueConnections(count: number) {
    const providers = ["google-calendar", "outlook-calendar", "x", "linkedin"];
    h.fakes.oauth.behaviour.linkedin.issueRefreshTokens = true;
    const rows = [];
    for (let i = 0; i < count; i += providers.length) {
      const workspace = await createWorkspace(h.t.db, `Batch ${i}`);
      for (const providerId of providers.slice(0, count - i))
        rows.push({ workspaceId: workspace.id, providerId, tokens: h.fakes.oauth.seedGrant(KIND[providerId]!), expiresAt: past() });
    }
    return { rows, ids: await seedOAuthConnections(h.t.db, rows) };
  }

  it("two runners leasing the same due set at once get disjoint batches that cover it", async () => {
    const { ids } = await dueConnections(40);
    const clients = [createPrismaClient(h.t.url, 2), createPrismaClient(h.t.url, 2)];
    try {
      const [a, b] = await Promise.all(clients.map((db) => acquireLeases(db, due(), { limit: 100 })));
      const aIds = a!.map((l) => l.connection.id);
      const bIds = b!.map((l) => l.connection.id);
      expect(aIds.filter((id) => bIds.includes(id))).toEqual([]);
      expect([...aIds, ...bIds].sort()).toEqual([...ids].sort());
      // Each lease is in the row, named by its holder, with the credential read in the same statement.
      for (const { lease, connection } of [...a!, ...b!]) {
        expect(connection.credential).toMatchObject({ keyId: expect.any(String) });
        expect(connection.circuitState).toBe("closed");
        expect(await row(connection.id)).toMatchObject({ refreshLeaseId: lease.id, refreshLeaseUntil: lease.until });
      }
      // Nothing is left to lease until the leases end.
      expect(await acquireLeases(h.t.db, due(), { limit: 100 })).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
  });

  it("leases in id order after the keyset, up to the limit", async () => {
    const { ids } = await dueConnections(6);
    const sorted = [...ids].sort();
    const first = await acquireLeases(h.t.db, due(), { limit: 4 });
    expect(first.map((l) => l.connection.id)).toEqual(sorted.slice(0, 4));
    const rest = await acquireLeases(h.t.db, due(), { limit: 4, after: sorted[1] });
    expect(rest.map((l) => l.connection.id)).toEqual(sorted.slice(4));
  });

  it("two concurrent runs over the same due set refresh each connection exactly once, with one activity row each", async () => {
    const { rows, ids } = await dueConnections(60);
    const clients = [createPrismaClient(h.t.url, 3), createPrismaClient(h.t.url, 3)];
    try {
      const reports = await Promise.all(clients.map((db) => refreshDueTokens({ db, concurrency: 8 })));
      expect(reports.reduce((n, r) => n + r.refreshed, 0)).toBe(60);
      expect(reports.reduce((n, r) => n + r.failed.total + r.skipped, 0)).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
    for (const [i, id] of ids.entries()) {
      const kind = KIND[rows[i]!.providerId]!;
      expect(requestsWith(kind, rows[i]!.tokens.refreshToken)).toHaveLength(1);
      expect(await row(id)).toMatchObject({ tokenVersion: 1, refreshLeaseId: null, refreshLeaseUntil: null, callCount: 1, status: "connected" });
      const tokens = await storedTokens(h.t.db, id);
      expect(h.fakes.oauth.isAccessTokenValid(tokens!.accessToken!)).toBe(true);
      expect(h.fakes.oauth.isRefreshTokenValid(tokens!.refreshToken!)).toBe(true);
    }
    const activity = await h.t.db.integrationActivity.findMany({ where: { operation: "token.refresh" } });
    expect(activity).toHaveLength(60);
    expect(new Set(activity.map((a) => a.connectionId))).toEqual(new Set(ids));
    expect(activity.every((a) => a.outcome === "success" && a.attempts === 1 && a.actor === "cron" && a.durationMs >= 0)).toBe(true);
  });

  it("skips a connection whose lease another holds, and takes over one whose lease expired", async () => {
    const held = await seeded("x", past());
    const abandoned = await seeded("x", past());
    const free = await seeded("google-calendar", past());
    const holder = await acquireLease(h.t.db, held.id);
    await h.t.db.connection.update({ where: { id: abandoned.id }, data: { refreshLeaseId: "dead-holder", refreshLeaseUntil: new Date(Date.now() - 1000) } });

    const report = await refreshDueTokens();
    expect(report).toMatchObject({ processed: 2, refreshed: 2, failed: { total: 0 } });
    expect(requestsWith("x", held.tokens.refreshToken)).toHaveLength(0);
    expect(await row(held.id)).toMatchObject({ tokenVersion: 0, refreshLeaseId: holder!.lease.id });
    expect((await storedTokens(h.t.db, held.id))!.refreshToken).toBe(held.tokens.refreshToken);
    expect(requestsWith("x", abandoned.tokens.refreshToken)).toHaveLength(1);
    expect(await row(abandoned.id)).toMatchObject({ tokenVersion: 1, refreshLeaseId: null });
    expect(await row(free.id)).toMatchObject({ tokenVersion: 1, refreshLeaseId: null });
  });

  it("a one-row save changes that row and its credential only", async () => {
    const a = await seeded("x", past());
    const b = await seeded("x", past());
    const leases = await acquireLeases(h.t.db, due(), { limit: 10 });
    expect(leases).toHaveLength(2);
    const leaseOf = (id: string) => leases.find((l) => l.connection.id === id)!.lease;
    const before = { row: await row(b.id), credential: await credential(b.id) };
    const refreshed: RefreshedTokens = {
      lease: leaseOf(a.id),
      owner: { workspaceId: a.workspaceId, connectionId: a.id },
      tokens: { accessToken: "new-access", refreshToken: "new-refresh" },
      expiresAt: new Date(Date.now() + HOUR),
      grantedScopes: ["tweet.read", "users.read"],
    };
    expect(await saveRefreshedTokens(h.t.db, [refreshed])).toEqual(new Set([a.id]));
    expect(await row(a.id)).toMatchObject({
      tokenVersion: 1,
      refreshLeaseId: null,
      refreshable: true,
      grantedScopes: ["tweet.read", "users.read"],
      expiresAt: refreshed.expiresAt,
    });
    expect(await storedTokens(h.t.db, a.id)).toEqual({ accessToken: "new-access", refreshToken: "new-refresh" });
    // No call record given: the pipeline wrote it already, so no usage is counted here.
    expect((await row(a.id)).callCount).toBe(0);
    expect(await h.t.db.integrationActivity.count()).toBe(0);
    // The other row, its lease and its credential, exactly as they were.
    expect(await row(b.id)).toEqual(before.row);
    expect(await credential(b.id)).toEqual(before.credential);
    expect((await row(b.id)).refreshLeaseId).toBe(leaseOf(b.id).id);
  });

  it("a save keeps nothing for a connection whose lease was lost, counts its call, and saves the others in the same statement", async () => {
    const kept = await seeded("google-calendar", past());
    const lost = await seeded("x", past());
    const leases = await acquireLeases(h.t.db, due(), { limit: 10 });
    await h.t.db.connection.update({ where: { id: lost.id }, data: { refreshLeaseId: "someone-else" } });
    const lostBefore = { row: await row(lost.id), credential: await credential(lost.id) };
    const at = new Date();
    const refreshes: RefreshedTokens[] = [kept, lost].map((c) => ({
      lease: leases.find((l) => l.connection.id === c.id)!.lease,
      owner: { workspaceId: c.workspaceId, connectionId: c.id },
      tokens: { accessToken: `access-${c.id}`, refreshToken: `refresh-${c.id}` },
      expiresAt: new Date(Date.now() + HOUR),
      grantedScopes: null,
      call: {
        ctx: { workspaceId: c.workspaceId, connectionId: c.id, providerId: c.id === kept.id ? "google-calendar" : "x", operation: "token.refresh", actor: "test" },
        durationMs: 42,
        attempts: 2,
        at,
      },
    }));
    expect(await saveRefreshedTokens(h.t.db, refreshes)).toEqual(new Set([kept.id]));
    expect(await row(kept.id)).toMatchObject({ tokenVersion: 1, refreshLeaseId: null, callCount: 1, lastCallAt: at });
    // The lost one: its tokens and token fields as they were, the new holder's lease untouched; only its call counted.
    const { callCount, lastCallAt: _lastCallAt, updatedAt: _updatedAt, ...unchanged } = lostBefore.row;
    expect(await row(lost.id)).toMatchObject({ ...unchanged, refreshLeaseId: "someone-else", callCount: callCount + 1, lastCallAt: at });
    expect(await credential(lost.id)).toEqual(lostBefore.credential);
    const activity = await h.t.db.integrationActivity.findMany({ orderBy: { connectionId: "asc" } });
    expect(activity.map((a) => a.connectionId).sort()).toEqual([kept.id, lost.id].sort());
    expect(activity.every((a) => a.outcome === "success" && a.durationMs === 42 && a.attempts === 2 && a.actor === "test" && a.createdAt.getTime() === at.getTime())).toBe(true);
  });

  it("records each refresh call as the pipeline does: usage counted, a passing error healed, the failure streak reset", async () => {
    const healed = await seeded("google-calendar", past());
    const reauth = await seeded("x", past());
    await h.t.db.connection.update({
      where: { id: healed.id },
      data: { status: "error", lastError: "Google answered 503", lastErrorCategory: "transient", consecutiveFailures: 2, callCount: 7, errorCount: 3 },
    });
    // Marked for Reconnect after the lease was taken (a 401 elsewhere): the refresh still saves, the error stays.
    const leased = await acquireLeases(h.t.db, due(), { limit: 10 });
    await h.t.db.connection.update({ where: { id: reauth.id }, data: { needsReauth: true, lastError: "Revoked", lastErrorCategory: "auth" } });
    const at = new Date();
    const refreshes: RefreshedTokens[] = leased.map(({ lease, connection }) => ({
      lease,
      owner: { workspaceId: connection.workspaceId, connectionId: connection.id },
      tokens: { accessToken: "a", refreshToken: "r" },
      expiresAt: new Date(Date.now() + HOUR),
      grantedScopes: null,
      call: {
        ctx: { workspaceId: connection.workspaceId, connectionId: connection.id, providerId: connection.providerId, operation: "token.refresh", actor: "cron" },
        durationMs: 5,
        attempts: 1,
        at,
      },
    }));
    expect((await saveRefreshedTokens(h.t.db, refreshes)).size).toBe(2);
    expect(await row(healed.id)).toMatchObject({
      status: "connected",
      lastError: null,
      lastErrorCategory: null,
      consecutiveFailures: 0,
      callCount: 8,
      errorCount: 3,
      tokenVersion: 1,
    });
    expect(await row(reauth.id)).toMatchObject({ needsReauth: true, lastError: "Revoked", lastErrorCategory: "auth", callCount: 1, tokenVersion: 1 });
  });

  it("refreshes a connection whose circuit is not closed only through the breaker: refused while open, the probe once cooled down", async () => {
    const open = await seeded("google-calendar", past());
    const cooled = await seeded("x", past());
    await h.t.db.connection.update({ where: { id: open.id }, data: { circuitState: "open", circuitOpenedAt: new Date(), consecutiveFailures: 5 } });
    await h.t.db.connection.update({ where: { id: cooled.id }, data: { circuitState: "open", circuitOpenedAt: new Date(Date.now() - 2 * HOUR), consecutiveFailures: 5 } });
    const report = await refreshDueTokens();
    expect(report).toMatchObject({ processed: 2, refreshed: 1, failed: { total: 1, byCategory: { transient: 1 } } });
    expect(requestsWith("google", open.tokens.refreshToken)).toHaveLength(0);
    expect(await row(open.id)).toMatchObject({ circuitState: "open", tokenVersion: 0, refreshLeaseId: null });
    expect(await h.t.db.integrationActivity.findMany({ where: { connectionId: open.id } })).toMatchObject([{ outcome: "short_circuit", errorCategory: "transient" }]);
    expect(await row(cooled.id)).toMatchObject({ circuitState: "closed", consecutiveFailures: 0, tokenVersion: 1, refreshLeaseId: null });
    expect(await h.t.db.integrationActivity.findMany({ where: { connectionId: cooled.id } })).toMatchObject([{ outcome: "success", attempts: 1 }]);
  });

  it("takes the batch's rate permits in one go and sends nothing for a connection whose quota is spent", async () => {
    process.env.RATE_LIMITS = "x=1/1d";
    resetConfig();
    try {
      const spent = await seeded("x", past());
      const fresh = await seeded("x", past());
      // The quota is spent in this day's window and the next (should the test cross midnight UTC).
      const day = 86_400_000;
      const today = Math.floor(Date.now() / day) * day;
      await h.t.db.rateLimitWindow.createMany({
        data: [today, today + day].map((start) => ({
          workspaceId: spent.workspaceId,
          providerId: "x",
          scope: "*",
          windowStart: new Date(start),
          windowEnd: new Date(start + day),
          count: 1,
        })),
      });
      const report = await refreshDueTokens();
      expect(report).toMatchObject({ processed: 2, refreshed: 1, failed: { total: 1, byCategory: { rate_limit: 1 } } });
      expect(requestsWith("x", spent.tokens.refreshToken)).toHaveLength(0);
      expect(await row(spent.id)).toMatchObject({ tokenVersion: 0, refreshLeaseId: null });
      expect(await h.t.db.integrationActivity.findMany({ where: { connectionId: spent.id } })).toMatchObject([{ outcome: "short_circuit", errorCategory: "rate_limit" }]);
      expect(await row(fresh.id)).toMatchObject({ tokenVersion: 1 });
      expect(await h.t.db.rateLimitWindow.findMany({ where: { workspaceId: fresh.workspaceId } })).toMatchObject([{ providerId: "x", scope: "*", count: 1 }]);
    } finally {
      delete process.env.RATE_LIMITS;
      resetConfig();
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
    const result = await testConnection(user, { providerId: "x" });
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

  it("is renewed only by its holder", async () => {
    const c = await seeded("google-calendar", past());
    const taken = new Date(Date.now() - 60_000);
    const { lease } = (await acquireLease(h.t.db, c.id, undefined, taken))!;
    const until = lease.until.getTime();
    expect(await renewLease(h.t.db, { ...lease, id: "not-the-holder" })).toBe(false);
    expect((await row(c.id)).refreshLeaseUntil!.getTime()).toBe(until);
    expect(await renewLease(h.t.db, lease)).toBe(true);
    expect(lease.until.getTime()).toBeGreaterThan(until);
    expect(await row(c.id)).toMatchObject({ refreshLeaseId: lease.id, refreshLeaseUntil: lease.until });
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
