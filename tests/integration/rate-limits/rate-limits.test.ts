// Rate limits on the real database (PostgreSQL and PGlite): the window counter, the pipeline's
// rate_limit answer that never reaches the provider, and one allowance shared by several app
// instances — two Prisma clients in this process and a third in a separate process.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { createPrismaClient } from "@/lib/db/client";
import { callProvider, type CallResult } from "@/lib/pipeline/call";
import { acquireRatePermit, acquireRatePermits, currentRateUsage, pruneRateLimitWindows } from "@/lib/rate-limits";
import { fetchJson } from "@/tests/integration/pipeline/fake-provider";
import { usePipelineHarness } from "@/tests/integration/pipeline/harness";

const run = promisify(execFile);
const h = usePipelineHarness({ providerId: "stripe", operation: "balance.retrieve", actor: "instance:a" });

// Fixed clocks keep every call of a test in one window, wherever the wall clock is.
const T0 = Date.parse("2026-11-21T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);

beforeAll(() => {
  // 7 calls per hour for any stripe call, and 2 per hour for refunds on top.
  process.env.RATE_LIMITS = "stripe=7/1h,stripe:refunds.create=2/1h";
  resetConfig();
});
afterAll(() => {
  delete process.env.RATE_LIMITS;
  resetConfig();
});

const key = () => ({ workspaceId: h.ctx.workspaceId, providerId: "stripe", operation: "balance.retrieve" });

describe("window counter", () => {
  it("allows `limit` calls per window, then refuses until the window ends", async () => {
    const permits = [];
    for (let i = 0; i < 9; i++) permits.push(await acquireRatePermit(h.db, key(), at(i * 1000)));
    expect(permits.filter((p) => p.allowed)).toHaveLength(7);
    expect(permits.slice(0, 7).every((p) => p.allowed)).toBe(true);
    const refused = permits[7]!;
    expect(refused).toMatchObject({ allowed: false, scope: "*", limit: 7, windowSeconds: 3600, retryAt: new Date("2026-11-21T11:00:00.000Z") });
    expect(!refused.allowed && refused.message).toMatch(/Rate limit for Stripe reached \(7 calls per hour\); not sent to the provider/);
    // The count stops at the limit: refused calls do not use up the next window or linger.
    expect(await h.db.rateLimitWindow.findMany()).toEqual([expect.objectContaining({ scope: "*", count: 7, windowStart: at(0), windowEnd: at(3600_000) })]);
    // A new window, a new allowance.
    expect(await acquireRatePermit(h.db, key(), at(3600_000))).toEqual({ allowed: true });
  });

  it("counts each workspace on its own", async () => {
    for (let i = 0; i < 7; i++) await acquireRatePermit(h.db, key(), at(0));
    expect((await acquireRatePermit(h.db, key(), at(0))).allowed).toBe(false);
    expect((await acquireRatePermit(h.db, { ...key(), workspaceId: "another-workspace" }, at(0))).allowed).toBe(true);
  });

  it("takes an operation's permit and the connection's together, or neither", async () => {
    const refunds = { ...key(), operation: "refunds.create" };
    expect((await acquireRatePermit(h.db, refunds, at(0))).allowed).toBe(true);
    expect((await acquireRatePermit(h.db, refunds, at(1))).allowed).toBe(true);
    const third = await acquireRatePermit(h.db, refunds, at(2));
    expect(third).toMatchObject({ allowed: false, scope: "refunds.create", limit: 2 });
    expect(!third.allowed && third.message).toMatch(/Rate limit for Stripe refunds.create reached \(2 calls per hour\)/);
    // The refused refund did not use a connection-wide permit: 7 − 2 remain for other calls.
    const rest = [];
    for (let i = 0; i < 6; i++) rest.push((await acquireRatePermit(h.db, key(), at(3))).allowed);
    expect(rest).toEqual([true, true, true, true, true, false]);
    const usage = await currentRateUsage(h.db, h.ctx.workspaceId, at(10));
    expect(usage.map((u) => [u.scope, u.count])).toEqual([
      ["*", 7],
      ["refunds.create", 2],
    ]);
  });

  it("takes many calls' permits in one go with the same rules, in the order asked", async () => {
    for (let i = 0; i < 6; i++) await acquireRatePermit(h.db, key(), at(0));
    const other = { ...key(), workspaceId: "another-workspace" };
    const refunds = { ...key(), workspaceId: "third-workspace", operation: "refunds.create" };
    const unlimited = { ...key(), providerId: "not-a-provider" };
    const permits = await acquireRatePermits(h.db, [key(), other, key(), refunds, unlimited], at(0));
    // The first takes the window's last permit; the second on the same window (taken on its own, after) is refused.
    expect(permits).toMatchObject([{ allowed: true }, { allowed: true }, { allowed: false, scope: "*", limit: 7 }, { allowed: true }, { allowed: true }]);
    const windows = await h.db.rateLimitWindow.findMany({ orderBy: [{ workspaceId: "asc" }, { scope: "asc" }] });
    expect(windows.map((w) => [w.workspaceId, w.scope, w.count])).toEqual(
      [
        [h.ctx.workspaceId, "*", 7],
        ["another-workspace", "*", 1],
        ["third-workspace", "*", 1],
        ["third-workspace", "refunds.create", 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
    );
    expect(windows.every((w) => w.windowStart.getTime() === T0 && w.windowEnd.getTime() === T0 + 3600_000)).toBe(true);
  });

  it("keeps its counters in an unlogged table (no disk flush per permit)", async () => {
    const [table] = await h.db.$queryRaw<{ relpersistence: string }[]>`SELECT relpersistence::text AS relpersistence FROM pg_class WHERE relname = 'RateLimitWindow'`;
    expect(table).toEqual({ relpersistence: "u" });
  });

  it("prunes windows that have ended", async () => {
    await acquireRatePermit(h.db, key(), at(0));
    expect(await pruneRateLimitWindows(h.db, at(3600_000 + 30_000))).toBe(0);
    expect(await pruneRateLimitWindows(h.db, at(3600_000 + 61_000))).toBe(1);
    expect(await h.db.rateLimitWindow.count()).toBe(0);
  });
});

describe("call pipeline", () => {
  const call = (nowMs: number, extra = {}) => callProvider(h.ctx, fetchJson(h.provider.url), { db: h.db, now: () => at(nowMs), backoffBaseMs: 1, jitter: 0, ...extra });

  it("answers rate_limit without calling the provider once the quota is spent", async () => {
    for (let i = 0; i < 7; i++) expect((await call(i)).ok).toBe(true);
    const refused = await call(8);
    expect(refused).toMatchObject({ ok: false, category: "rate_limit", gracefulFail: true, attempts: 0 });
    expect(!refused.ok && refused.message).toMatch(/Rate limit for Stripe reached/);
    expect(h.provider.requests).toBe(7);
    const row = await h.db.integrationActivity.findFirstOrThrow({ where: { outcome: "short_circuit" } });
    expect(row).toMatchObject({ errorCategory: "rate_limit", attempts: 0, operation: "balance.retrieve", connectionId: h.ctx.connectionId });
    // Not a provider failure: usage counters and the breaker are untouched.
    expect(await h.db.connection.findUniqueOrThrow({ where: { id: h.ctx.connectionId! } })).toMatchObject({ callCount: 7, errorCount: 0, consecutiveFailures: 0 });
  });

  it("counts every retry against the quota and stops retrying when it is spent", async () => {
    for (let i = 0; i < 5; i++) await acquireRatePermit(h.db, key(), at(0));
    h.provider.script({ status: 503, body: { error: { message: "Service unavailable" } } });
    const result = await call(1, { maxAttempts: 5, sleep: async () => {} });
    // Two permits were left: two requests, then the last failure stands.
    expect(h.provider.requests).toBe(2);
    expect(result).toMatchObject({ ok: false, category: "transient", attempts: 2, message: "Service unavailable" });
  });
});

describe("several app instances on one database", () => {
  it("share one allowance: in total exactly `limit` calls reach the provider", async () => {
    const url = process.env.DATABASE_URL!;
    // Instances A and B: separate clients with their own connection pools, in this process.
    const a = createPrismaClient(url, 4);
    const b = createPrismaClient(url, 4);
    const one = (db: typeof a) => callProvider(h.ctx, fetchJson(h.provider.url), { db, maxAttempts: 1, now: () => at(0) });
    try {
      // Instance C: another process, calling at the same time.
      const instanceC = run(path.join(process.cwd(), "node_modules/.bin/tsx"), [
        "tests/integration/rate-limits/instance.ts",
        JSON.stringify({ workspaceId: h.ctx.workspaceId, connectionId: h.ctx.connectionId, url: h.provider.url, calls: 8, nowMs: T0 }),
      ]).then(({ stdout }) => JSON.parse(stdout) as { allowed: number; refused: number });
      const local: CallResult<unknown>[] = await Promise.all(Array.from({ length: 20 }, (_, i) => one(i % 2 ? a : b)));
      const remote = await instanceC;

      const allowed = local.filter((r) => r.ok).length + remote.allowed;
      const refused = local.filter((r) => !r.ok && r.category === "rate_limit").length + remote.refused;
      expect(allowed).toBe(7);
      expect(refused).toBe(28 - 7);
      expect(h.provider.requests).toBe(7);
      expect(await h.db.rateLimitWindow.findMany({ select: { scope: true, count: true } })).toEqual([{ scope: "*", count: 7 }]);
      expect(await h.db.integrationActivity.count({ where: { outcome: "success" } })).toBe(7);
      expect(await h.db.integrationActivity.count({ where: { outcome: "short_circuit", errorCategory: "rate_limit" } })).toBe(21);
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
  }, 60_000);
});
