// bench/health: integration health on PostgreSQL with 100 connections (ten workspaces) and
// 240,000 activity rows over the last 24 hours (10,000 in the last hour).
//   1. computeHealth for every connection (what the health-check job judges), p50/p95 of 30 runs
//   2. one full health-check run (snapshots, alert decisions; no provider is called)
//   3. acquireRatePermit, the rate-limit step every provider call now takes, p50/p95 of 2,000
//   4. GET /api/health/integrations and /history on the production server, p50/p95 of 300 each
// Goals on a 2-core machine: health for all connections p95 < 250 ms; a permit p95 < 5 ms; the
// health overview p95 < 150 ms; the 24-hour history (exact p95 per hour and integration, so it
// sorts a day of calls) p95 < 300 ms.
import { performance } from "node:perf_hooks";
import { createPrismaClient } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { runHealthCheck } from "@/lib/health/check";
import { computeHealth } from "@/lib/health/compute";
import { providers } from "@/lib/integrations/registry";
import { acquireRatePermit } from "@/lib/rate-limits";
import { freshPostgresDatabase, signInCookie, startProductionServer, summarize } from "@/bench/lib";

const CONNECTIONS = 100;
const ROWS = 240_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

const database = await freshPostgresDatabase();
process.env.DATABASE_URL = database.url;
const db = createPrismaClient(database.url, 4);
let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;
const line = (label: string, samples: number[], goal?: number) => {
  const f = summarize(samples);
  console.log(
    `  ${label.padEnd(46)} p50 ${String(f.p50).padStart(7)} ms  p95 ${String(f.p95).padStart(7)} ms  max ${f.max} ms${goal ? `  (goal p95 < ${goal} ms: ${f.p95 < goal ? "met" : "NOT met"})` : ""}`,
  );
};
try {
  const ids = providers.map((p) => p.id);
  const password = "bench password 123";
  let measured = "";
  for (let w = 0, made = 0; made < CONNECTIONS; w++) {
    const workspace = await db.workspace.create({ data: { name: `Bench ${w}` } });
    if (w === 0) {
      measured = workspace.id;
      await db.user.create({ data: { workspaceId: workspace.id, email: "bench@plugboard.test", passwordHash: await hashPassword(password), role: "admin" } });
    }
    const batch = ids.slice(0, CONNECTIONS - made).map((providerId) => ({ workspaceId: workspace.id, providerId, authType: "api_key" as const, status: "connected" as const }));
    await db.connection.createMany({ data: batch });
    made += batch.length;
  }
  // Activity generated in the database: every connection gets calls over the last 24 hours,
  // one in twelve failing, latencies 20–2,000 ms; newest rows first in each hour's share.
  await db.$executeRawUnsafe(`
    INSERT INTO "IntegrationActivity" ("id", "workspaceId", "connectionId", "providerId", "operation", "outcome", "errorCategory", "durationMs", "attempts", "actor", "createdAt")
    SELECT 'bench' || g, c."workspaceId", c."id", c."providerId", 'bench.call',
      (CASE WHEN g % 12 = 0 THEN 'failure' ELSE 'success' END)::"CallOutcome",
      (CASE WHEN g % 12 = 0 THEN 'transient' ELSE NULL END)::"ErrorCategory",
      20 + (g * 37) % 1980, 1, 'bench',
      (now() AT TIME ZONE 'UTC') - ((g % ${ROWS / CONNECTIONS}) * interval '1 second' * 86400 / ${ROWS / CONNECTIONS})
    FROM generate_series(1, ${ROWS}) g
    JOIN (SELECT "id", "workspaceId", "providerId", row_number() OVER (ORDER BY "id") - 1 AS n FROM "Connection") c ON c.n = g % ${CONNECTIONS}`);
  await db.$executeRawUnsafe(`ANALYZE "IntegrationActivity"`);
  const lastHour = await db.integrationActivity.count({ where: { createdAt: { gte: new Date(Date.now() - 3_600_000) } } });
  console.log(
    `bench/health: ${CONNECTIONS} connections, ${(await db.integrationActivity.count()).toLocaleString()} activity rows (${lastHour.toLocaleString()} in the last hour), PostgreSQL`,
  );

  const time = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  for (let i = 0; i < 5; i++) await computeHealth(db);
  const all: number[] = [];
  for (let i = 0; i < 30; i++) all.push(await time(() => computeHealth(db)));
  line("computeHealth, all 100 connections", all, 250);
  const one: number[] = [];
  for (let i = 0; i < 30; i++) one.push(await time(() => computeHealth(db, { workspaceId: measured })));
  line("computeHealth, one workspace (11 connections)", one);

  const started = performance.now();
  const report = await runHealthCheck(db, { notify: async () => ({ ok: true, provider: "sendgrid" }), probe: async () => ({ tested: false, reason: "bench" }) });
  console.log(
    `  ${"health-check run (100 snapshots, alert decisions)".padEnd(46)} ${Math.round(performance.now() - started)} ms  (${report.unhealthy} unhealthy, ${report.alerts.length} alerts)`,
  );

  process.env.RATE_LIMITS = "stripe=1000000/1h";
  const permits: number[] = [];
  for (let i = 0; i < 2000; i++) permits.push(await time(() => acquireRatePermit(db, { workspaceId: measured, providerId: "stripe", operation: "bench.call" })));
  line("acquireRatePermit (one window row, upsert)", permits, 5);

  server = await startProductionServer({
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    TOKEN_ENCRYPTION_KEY: "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=",
  });
  const cookie = await signInCookie(server.url, "bench@plugboard.test", password);
  for (const [path, goal] of [
    ["/api/health/integrations", 150],
    ["/api/health/integrations/history?hours=24", 300],
  ] as const) {
    const get = () =>
      time(async () => {
        const response = await fetch(`${server!.url}${path}`, { headers: { cookie } });
        await response.json();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      });
    for (let i = 0; i < 20; i++) await get();
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) samples.push(await get());
    line(`GET ${path}`, samples, goal);
  }
} finally {
  await server?.stop();
  await db.$disconnect();
  await database.drop();
}
