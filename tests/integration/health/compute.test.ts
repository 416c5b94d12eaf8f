// Health from crafted activity on the real database (PostgreSQL and PGlite): the window, each
// threshold's edge as the database computes it, p95 and the failure streak, short-circuited
// calls kept apart, workspace scoping — in a fixed number of grouped queries — and the hourly
// history behind the charts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import type { CallOutcome, ErrorCategory } from "@/lib/generated/prisma/enums";
import { computeHealth } from "@/lib/health/compute";
import { healthHistory } from "@/lib/health/history";
import { healthOverview } from "@/lib/health/overview";
import { acquireRatePermit } from "@/lib/rate-limits";
import { countingDb } from "@/tests/helpers/counting-db";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createWorkspace } from "@/tests/helpers/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => truncateAll(t.db));

const NOW = new Date("2026-11-21T12:30:00.000Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

async function connection(db: Db, workspaceId: string, providerId: string, extra: Record<string, unknown> = {}) {
  return db.connection.create({ data: { workspaceId, providerId, authType: "api_key", status: "connected", ...extra } });
}

interface Call {
  outcome?: CallOutcome;
  ms?: number;
  at?: Date;
  category?: ErrorCategory;
}

/** Activity rows for one connection, oldest first unless `at` says otherwise. */
async function activity(db: Db, c: { id: string; workspaceId: string; providerId: string }, calls: Call[]) {
  await db.integrationActivity.createMany({
    data: calls.map((call, i) => ({
      workspaceId: c.workspaceId,
      connectionId: c.id,
      providerId: c.providerId,
      operation: "test.op",
      outcome: call.outcome ?? "success",
      errorCategory: call.category ?? (call.outcome === "failure" ? "transient" : call.outcome === "short_circuit" ? "rate_limit" : null),
      durationMs: call.ms ?? 100,
      attempts: call.outcome === "short_circuit" ? 0 : 1,
      actor: "test",
      createdAt: call.at ?? minutesAgo(50 - i * 0.1),
    })),
  });
}

const times = (n: number, call: Call = {}): Call[] => Array.from({ length: n }, () => ({ ...call }));

describe("computeHealth", () => {
  it("judges each threshold's edge from the database's numbers", async () => {
    const ws = await createWorkspace(t.db);
    const at10 = await connection(t.db, ws.id, "stripe");
    const at11 = await connection(t.db, ws.id, "sendgrid");
    const slowOk = await connection(t.db, ws.id, "twilio");
    const slow = await connection(t.db, ws.id, "odoo");
    const streak4 = await connection(t.db, ws.id, "smtp");
    const streak5 = await connection(t.db, ws.id, "s3");
    // 10 % exactly (failures spread out, so no streak) is healthy; 11 % is not.
    await activity(
      t.db,
      at10,
      Array.from({ length: 100 }, (_, i) => (i % 10 === 9 ? { outcome: "failure" as const } : {})),
    );
    await activity(
      t.db,
      at11,
      Array.from({ length: 100 }, (_, i) => (i % 9 === 4 && i < 99 ? { outcome: "failure" as const } : {})),
    );
    // Average exactly 5,000 ms is healthy; 5,001 is not.
    await activity(t.db, slowOk, [{ ms: 4_000 }, { ms: 6_000 }]);
    await activity(t.db, slow, [{ ms: 4_001 }, { ms: 6_001 }]);
    // 4 failures since the last success is healthy; 5 is not (error rates kept low).
    await activity(t.db, streak4, [...times(40), ...times(4, { outcome: "failure" })]);
    await activity(t.db, streak5, [...times(50), ...times(5, { outcome: "failure" })]);

    const { connections } = await computeHealth(t.db, { workspaceId: ws.id, now: NOW });
    const by = Object.fromEntries(connections.map((c) => [c.providerId, c]));
    expect(by.stripe).toMatchObject({ status: "healthy", calls: 100, failures: 10, errorRate: 0.1, reasons: [], consecutiveFailures: 1 });
    expect(by.sendgrid).toMatchObject({ status: "unhealthy", calls: 100, failures: 11, reasons: ["High error rate: 11.0%"] });
    expect(by.twilio).toMatchObject({ status: "healthy", avgLatencyMs: 5_000 });
    expect(by.odoo).toMatchObject({ status: "unhealthy", avgLatencyMs: 5_001, reasons: ["High average latency: 5,001 ms"] });
    expect(by.smtp).toMatchObject({ status: "healthy", consecutiveFailures: 4, errorRate: 4 / 44 });
    expect(by.s3).toMatchObject({ status: "unhealthy", consecutiveFailures: 5, reasons: ["5 consecutive failures"] });
  });

  it("counts only the window; keeps short-circuited calls out of rates and latency; p95 by nearest rank", async () => {
    const ws = await createWorkspace(t.db);
    const c = await connection(t.db, ws.id, "stripe");
    await activity(t.db, c, [
      // Before the window (61 minutes ago) and after it: ignored.
      ...times(30, { outcome: "failure", at: minutesAgo(61) }),
      { outcome: "failure", at: new Date(NOW.getTime() + 1000) },
      // 20 calls with latencies 10, 20, … 200 ms: average 105, p95 = the 19th = 190.
      ...Array.from({ length: 20 }, (_, i) => ({ ms: (i + 1) * 10, at: minutesAgo(40 - i) })),
      // Refused before reaching the provider: counted apart.
      ...times(3, { outcome: "short_circuit", ms: 0, at: minutesAgo(5) }),
      { outcome: "short_circuit", ms: 0, at: minutesAgo(4), category: "transient" },
    ]);
    const [health] = (await computeHealth(t.db, { workspaceId: ws.id, now: NOW })).connections;
    expect(health).toMatchObject({
      status: "healthy",
      calls: 20,
      failures: 0,
      shortCircuits: 4,
      rateLimited: 3,
      avgLatencyMs: 105,
      p95LatencyMs: 190,
      errorRate: 0,
      consecutiveFailures: 0,
    });
    // A longer window reaches the older failures.
    const [wide] = (await computeHealth(t.db, { workspaceId: ws.id, now: NOW, windowMinutes: 120 })).connections;
    expect(wide).toMatchObject({ calls: 50, failures: 30, status: "unhealthy", reasons: ["High error rate: 60.0%"] });
  });

  it("counts the streak from the last success, whatever came before", async () => {
    const ws = await createWorkspace(t.db);
    const c = await connection(t.db, ws.id, "stripe");
    await activity(t.db, c, [
      ...times(6, { outcome: "failure", at: minutesAgo(50) }),
      { at: minutesAgo(40) },
      ...times(2, { outcome: "failure", at: minutesAgo(30) }),
      { outcome: "short_circuit", at: minutesAgo(20) },
      { outcome: "failure", at: minutesAgo(10) },
    ]);
    const [health] = (await computeHealth(t.db, { workspaceId: ws.id, now: NOW })).connections;
    expect(health).toMatchObject({ consecutiveFailures: 3, calls: 10, failures: 9 });
  });

  it("reports the circuit, no_activity without calls, and leaves other workspaces and disconnected connections out", async () => {
    const ws = await createWorkspace(t.db);
    const other = await createWorkspace(t.db, "Other");
    await connection(t.db, ws.id, "stripe", { circuitState: "open" });
    await connection(t.db, ws.id, "sendgrid");
    await connection(t.db, ws.id, "twilio", { status: "disconnected" });
    const foreign = await connection(t.db, other.id, "stripe");
    await activity(t.db, foreign, times(5, { outcome: "failure" }));
    const { connections, window } = await computeHealth(t.db, { workspaceId: ws.id, now: NOW });
    expect(window).toEqual({ from: minutesAgo(60), to: NOW, minutes: 60 });
    expect(connections.map((c) => [c.providerId, c.status, c.reasons])).toEqual([
      ["sendgrid", "no_activity", []],
      ["stripe", "unhealthy", ["Circuit breaker open"]],
    ]);
    expect(connections[0]).toMatchObject({ calls: 0, errorRate: null, avgLatencyMs: null, p95LatencyMs: null });
    // Without a workspace: every workspace (the health-check job).
    expect((await computeHealth(t.db, { now: NOW })).connections).toHaveLength(3);
  });

  it("follows the configured thresholds and window", async () => {
    process.env.HEALTH_MAX_ERROR_RATE_PERCENT = "50";
    process.env.HEALTH_WINDOW_MINUTES = "15";
    resetConfig();
    try {
      const ws = await createWorkspace(t.db);
      const c = await connection(t.db, ws.id, "stripe");
      await activity(t.db, c, [{ at: minutesAgo(20), outcome: "failure" }, { at: minutesAgo(10) }, { at: minutesAgo(9), outcome: "failure" }, { at: minutesAgo(8) }]);
      const { connections, window } = await computeHealth(t.db, { workspaceId: ws.id, now: NOW });
      expect(window.minutes).toBe(15);
      expect(connections[0]).toMatchObject({ calls: 3, failures: 1, status: "healthy" });
    } finally {
      delete process.env.HEALTH_MAX_ERROR_RATE_PERCENT;
      delete process.env.HEALTH_WINDOW_MINUTES;
      resetConfig();
    }
  });

  it("asks the database the same two questions for 1 connection or 11, whatever the number of calls", async () => {
    const small = await createWorkspace(t.db);
    await activity(t.db, await connection(t.db, small.id, "stripe"), times(3));
    const big = await createWorkspace(t.db, "Big");
    for (const id of ["stripe", "sendgrid", "twilio", "odoo", "smtp", "s3", "mailchimp", "x", "linkedin", "google-calendar", "outlook-calendar"]) {
      await activity(t.db, await connection(t.db, big.id, id), times(200, { outcome: id === "x" ? "failure" : "success" }));
    }
    const one = countingDb(t.db);
    await computeHealth(one.db, { workspaceId: small.id, now: NOW });
    const many = countingDb(t.db);
    const result = await computeHealth(many.db, { workspaceId: big.id, now: NOW });
    expect(one.calls).toEqual(["connection.findMany", "$queryRaw"]);
    expect(many.calls).toEqual(one.calls);
    expect(result.connections).toHaveLength(11);
    expect(result.connections.find((c) => c.providerId === "x")).toMatchObject({ status: "unhealthy", failures: 200, consecutiveFailures: 200 });
  });
});

describe("healthOverview", () => {
  it("adds the last health check and the rate limits in force with their use, in a fixed number of queries", async () => {
    const ws = await createWorkspace(t.db);
    const c = await connection(t.db, ws.id, "stripe");
    await activity(t.db, c, times(3, { at: new Date(Date.now() - 60_000) }));
    const checkedAt = new Date(Date.now() - 5 * 60_000);
    await t.db.healthSnapshot.createMany({
      data: [checkedAt, new Date(checkedAt.getTime() - 15 * 60_000)].map((at, i) => ({
        workspaceId: ws.id,
        connectionId: c.id,
        providerId: "stripe",
        status: i === 0 ? "healthy" : "unhealthy",
        windowStart: at,
        windowEnd: at,
        calls: 1,
        failures: 0,
        shortCircuits: 0,
        consecutiveFailures: 0,
        circuitState: "closed",
        createdAt: at,
      })),
    });
    await acquireRatePermit(t.db, { workspaceId: ws.id, providerId: "stripe", operation: "x" });
    const { db, calls } = countingDb(t.db);
    const overview = await healthOverview(ws.id, {}, db);
    expect(calls.sort()).toEqual(["$queryRaw", "$queryRaw", "connection.findMany", "rateLimitWindow.findMany"]);
    expect(Object.keys(overview.integrations)).toEqual(["stripe"]);
    expect(overview.integrations.stripe).toMatchObject({ status: "healthy", calls: 3, connectionId: c.id, lastCheck: { at: checkedAt.toISOString(), status: "healthy" } });
    expect(overview.integrations.stripe).not.toHaveProperty("workspaceId");
    expect(overview.thresholds).toEqual({ maxErrorRatePercent: 10, maxAvgLatencyMs: 5_000, maxConsecutiveFailures: 5 });
    expect(overview.rateLimits.stripe).toMatchObject({ perConnection: { limit: 25, windowSeconds: 1, text: "25 calls per second" }, overridden: false });
    expect(overview.rateLimits.x!.operations).toEqual([{ operation: "tweets.create", limit: { limit: 100, windowSeconds: 86_400, text: "100 calls per 24 hours" } }]);
    expect(Object.keys(overview.rateLimits)).toHaveLength(11);
  });
});

describe("healthHistory", () => {
  it("gives every hour of the range per integration: outcomes, error rate, latency", async () => {
    const ws = await createWorkspace(t.db);
    const other = await createWorkspace(t.db, "Other");
    const stripe = await connection(t.db, ws.id, "stripe");
    const sendgrid = await connection(t.db, ws.id, "sendgrid");
    const hour = (h: number, m = 10) => new Date(Date.parse("2026-11-21T00:00:00.000Z") + h * 3_600_000 + m * 60_000);
    await activity(t.db, stripe, [
      { at: hour(3), ms: 100 },
      { at: hour(3, 20), ms: 300 },
      { at: hour(3, 30), outcome: "failure", ms: 200 },
      { at: hour(3, 40), outcome: "short_circuit", ms: 0 },
      { at: hour(12), ms: 50 },
      // Before the 24-hour range: left out.
      { at: new Date(Date.parse("2026-11-20T11:59:00.000Z")), outcome: "failure" },
    ]);
    await activity(t.db, sendgrid, [{ at: hour(11, 59), outcome: "failure", ms: 80 }]);
    await activity(t.db, await connection(t.db, other.id, "twilio"), [{ at: hour(5) }]);

    const history = await healthHistory(ws.id, { hours: 24 }, t.db, NOW);
    expect(history.hours).toHaveLength(24);
    expect(history.hours[0]).toBe("2026-11-20T13:00:00.000Z");
    expect(history.hours[23]).toBe("2026-11-21T12:00:00.000Z");
    expect(history.series.map((s) => s.providerId)).toEqual(["sendgrid", "stripe"]);
    const stripeSeries = history.series.find((s) => s.providerId === "stripe")!;
    expect(stripeSeries.points).toHaveLength(24);
    expect(stripeSeries.points.find((p) => p.hour === "2026-11-21T03:00:00.000Z")).toEqual({
      hour: "2026-11-21T03:00:00.000Z",
      success: 2,
      failure: 1,
      shortCircuit: 1,
      errorRate: 1 / 3,
      avgLatencyMs: 200,
      p95LatencyMs: 300,
    });
    expect(stripeSeries.points.find((p) => p.hour === "2026-11-21T12:00:00.000Z")).toMatchObject({ success: 1, errorRate: 0, avgLatencyMs: 50 });
    expect(stripeSeries.points.find((p) => p.hour === "2026-11-21T04:00:00.000Z")).toEqual({
      hour: "2026-11-21T04:00:00.000Z",
      success: 0,
      failure: 0,
      shortCircuit: 0,
      errorRate: null,
      avgLatencyMs: null,
      p95LatencyMs: null,
    });
    expect(history.series.find((s) => s.providerId === "sendgrid")!.points.find((p) => p.hour === "2026-11-21T11:00:00.000Z")).toMatchObject({ failure: 1, errorRate: 1 });
  });
});
