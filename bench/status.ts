// bench/status: GET /api/integrations/status on the production server over PostgreSQL, with 100
// connections and 10,000 activity rows in the database, signed in as an admin; p50 and p95 over
// 1000 sequential requests after a warm-up. Goal: p95 < 50 ms on a 2-core machine.
import { performance } from "node:perf_hooks";
import { createPrismaClient } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { providers } from "@/lib/integrations/registry";
import { freshPostgresDatabase, signInCookie, startProductionServer, summarize } from "@/bench/lib";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONNECTIONS = 100;

const database = await freshPostgresDatabase();
const db = createPrismaClient(database.url, 4);
let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;
try {
  // One connection per provider per workspace: 100 connections over ten workspaces.
  const ids = providers.map((p) => p.id);
  const password = "bench password 123";
  const passwordHash = await hashPassword(password);
  let made = 0;
  let measured = "";
  for (let w = 0; made < CONNECTIONS; w++) {
    const workspace = await db.workspace.create({ data: { name: `Bench ${w}` } });
    if (w === 0) {
      measured = workspace.id;
      await db.user.create({ data: { workspaceId: workspace.id, email: "bench@plugboard.test", passwordHash, role: "admin" } });
    }
    const batch = ids.slice(0, CONNECTIONS - made).map((providerId, i) => ({
      workspaceId: workspace.id,
      providerId,
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
    const body = (await response.json()) as { integrations?: Record<string, unknown> };
    if (response.status !== 200 || Object.keys(body.integrations ?? {}).length !== ids.length) throw new Error(`unexpected answer ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 50; i++) await get();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) samples.push(await get());
  const figure = summarize(samples);
  console.log(`bench/status: GET /api/integrations/status, ${CONNECTIONS} connections, ${REQUESTS} requests on PostgreSQL`);
  console.log(`  p50 ${figure.p50} ms  p95 ${figure.p95} ms  p99 ${figure.p99} ms  max ${figure.max} ms  (goal: p95 < 50 ms: ${figure.p95 < 50 ? "met" : "NOT met"})`);
} finally {
  await server?.stop();
  await db.$disconnect();
  await database.drop();
}
