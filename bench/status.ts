// bench/status: GET /api/integrations/status on the production server over PostgreSQL, with 100
// connections in the measured workspace (several accounts of every provider, as a workspace that
// connects one account per brand has), 100 more in other workspaces and 10,000 activity rows,
// signed in as an admin; p50 and p95 over 1000 sequential requests after a warm-up. Goal: p95 <
// 50 ms on a 2-core machine. Floor, measured in the same run: the same two queries (connections,
// defaults) sent straight from this process through Prisma, without the server.
import { performance } from "node:perf_hooks";
import { createPrismaClient } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { providers } from "@/lib/integrations/registry";
import { STATUS_SELECT } from "@/lib/connections/status";
import { freshPostgresDatabase, signInCookie, startProductionServer, summarize } from "@/bench/lib";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONNECTIONS = 100;

const database = await freshPostgresDatabase();
const db = createPrismaClient(database.url, 4);
let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;
try {
  // 100 connections in the measured workspace (every provider, several accounts each), then 100
  // in other workspaces.
  const ids = providers.map((p) => p.id);
  const password = "bench password 123";
  const passwordHash = await hashPassword(password);
  let made = 0;
  let measured = "";
  for (let w = 0; made < 2 * CONNECTIONS; w++) {
    const workspace = await db.workspace.create({ data: { name: `Bench ${w}` } });
    if (w === 0) {
      measured = workspace.id;
      await db.user.create({ data: { workspaceId: workspace.id, email: "bench@plugboard.test", passwordHash, role: "admin" } });
    }
    const batch = Array.from({ length: CONNECTIONS }, (_, i) => ids[i % ids.length]!).map((providerId, i) => ({
      workspaceId: workspace.id,
      providerId,
      accountId: `account-${i}`,
      authType: "api_key" as const,
      status: i % 7 === 3 ? ("error" as const) : ("connected" as const),
      accountLabel: `${providerId} account`,
      lastSyncAt: new Date(),
      lastTestedAt: new Date(),
      callCount: 1000 + i,
      errorCount: i,
      lastError: i % 7 === 3 ? "Provider answered 503" : null,
      lastErrorCategory: i % 7 === 3 ? ("transient" as const) : null,
    }));
    await db.connection.createMany({ data: batch });
    made += batch.length;
  }
  const connections = await db.connection.findMany({ where: { workspaceId: measured }, select: { id: true, providerId: true } });
  const rows = Array.from({ length: 10_000 }, (_, i) => {
    const c = connections[i % connections.length]!;
    return {
      workspaceId: measured,
      connectionId: c.id,
      providerId: c.providerId,
      operation: "bench.call",
      outcome: i % 10 ? ("success" as const) : ("failure" as const),
      durationMs: 50 + (i % 200),
      actor: "bench",
    };
  });
  for (let i = 0; i < rows.length; i += 2000) await db.integrationActivity.createMany({ data: rows.slice(i, i + 2000) });

  server = await startProductionServer({
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    TOKEN_ENCRYPTION_KEY: "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=",
  });
  const cookie = await signInCookie(server.url, "bench@plugboard.test", password);
  const get = async () => {
    const started = performance.now();
    const response = await fetch(`${server!.url}/api/integrations/status`, { headers: { cookie } });
    const body = (await response.json()) as { integrations?: Record<string, unknown>; connections?: unknown[] };
    if (response.status !== 200 || Object.keys(body.integrations ?? {}).length !== ids.length || body.connections?.length !== CONNECTIONS) {
      throw new Error(`unexpected answer ${response.status}`);
    }
    return performance.now() - started;
  };
  // The floor: the status's two queries, straight from here (same rows, same database).
  const bare = async () => {
    const started = performance.now();
    await Promise.all([
      db.connection.findMany({ where: { workspaceId: measured, providerId: { in: ids } }, select: { ...STATUS_SELECT, createdAt: true, updatedAt: true } }),
      db.capabilityDefault.findMany({ where: { workspaceId: measured } }),
    ]);
    return performance.now() - started;
  };
  for (let i = 0; i < 50; i++) await get();
  for (let i = 0; i < 50; i++) await bare();
  const samples: number[] = [];
  const floorSamples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    samples.push(await get());
    floorSamples.push(await bare());
  }
  const figure = summarize(samples);
  const floor = summarize(floorSamples);
  console.log(`bench/status: GET /api/integrations/status, ${CONNECTIONS} connections in the workspace, ${REQUESTS} requests on PostgreSQL`);
  console.log(`  p50 ${figure.p50} ms  p95 ${figure.p95} ms  p99 ${figure.p99} ms  max ${figure.max} ms  (goal: p95 < 50 ms: ${figure.p95 < 50 ? "met" : "NOT met"})`);
  console.log(`  floor (the same queries without the server): p50 ${floor.p50} ms  p95 ${floor.p95} ms  → p95 ratio ${(figure.p95 / floor.p95).toFixed(2)}×`);
} finally {
  await server?.stop();
  await db.$disconnect();
  await database.drop();
}
