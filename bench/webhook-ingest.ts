// bench/webhook-ingest: signed Stripe events (payment_intent.succeeded, each a new payment to
// record) posted to the production server on PostgreSQL by CONCURRENCY clients at once. Measures
// what the provider sees — acknowledgement throughput and latency — then waits for processing to
// drain and checks that nothing acknowledged was lost (events stored = events acknowledged, and
// all of them processed). The same senders measure, in the same run, a floor: a bare Node server
// that only checks the signature and INSERTs (bench/floors/webhook-ingest-floor.ts). Rounds
// alternate floor, Plugboard, floor, Plugboard so a noisy moment hits both; each side's best
// round counts. Goal: ≥ 0.6 × the floor's events/s, p99 < 50 ms, processing drained within 5 s
// of the last answer, 0 lost.
import { performance } from "node:perf_hooks";
import Stripe from "stripe";
import { createPrismaClient } from "@/lib/db/client";
import { resetConfig } from "@/lib/config";
import { seal } from "@/lib/vault";
import { freshPostgresDatabase, startListeningChild, startProductionServer, summarize } from "@/bench/lib";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// The app's own pool size (lib/db/client.ts), so the floor gets no more connections than Plugboard.
const APP_POOL_SIZE = 10;
const WEBHOOK_SECRET = "whsec_BenchWebhookSecret00000000001";
const KEY = "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=";

process.env.TOKEN_ENCRYPTION_KEY = KEY;
resetConfig();
const database = await freshPostgresDatabase();
const db = createPrismaClient(database.url, 2);
let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;
let floor: Awaited<ReturnType<typeof startFloor>> | undefined;

/** Signed deliveries, made before the clock starts so the client's HMACs are not measured. */
function deliveries(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}_${i}`;
    const payload = JSON.stringify({
      id: `evt_${id}`,
      object: "event",
      api_version: "2025-01-27.acacia",
      created: Math.floor(Date.now() / 1000),
      type: "payment_intent.succeeded",
      livemode: false,
      data: { object: { id: `pi_${id}`, object: "payment_intent", amount: 4900, amount_received: 4900, currency: "eur", status: "succeeded", metadata: { source: "bench" } } },
    });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) };
  });
}

/** The floor server, started like `next start` in a process of its own. */
function startFloor(databaseUrl: string) {
  return startListeningChild(
    "bench/floors/webhook-ingest-floor.ts",
    { DATABASE_URL: databaseUrl, FLOOR_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOOR_POOL_SIZE: String(APP_POOL_SIZE) },
    "the floor server",
  );
}

interface Round {
  throughput: number;
  figure: ReturnType<typeof summarize>;
  acknowledged: number;
  refused: number;
}

async function round(url: string, path: string, prefix: string, expected = 200): Promise<Round> {
  const batch = deliveries(EVENTS, prefix);
  const samples: number[] = [];
  const started = performance.now();
  const { acknowledged, refused } = await post(url, path, batch, samples, expected);
  const seconds = (performance.now() - started) / 1000;
  return { throughput: Math.round(acknowledged / seconds), figure: summarize(samples), acknowledged, refused };
}

const best = (rounds: Round[]) => rounds.reduce((a, b) => (b.throughput > a.throughput ? b : a));
const line = (r: Round) => `${r.throughput} events/s  p50 ${r.figure.p50} ms  p95 ${r.figure.p95} ms  p99 ${r.figure.p99} ms  max ${r.figure.max} ms`;

async function post(url: string, path: string, batch: ReturnType<typeof deliveries>, samples?: number[], expected = 200): Promise<{ acknowledged: number; refused: number }> {
  let next = 0;
  let acknowledged = 0;
  let refused = 0;
  const worker = async () => {
    for (;;) {
      const delivery = batch[next++];
      if (!delivery) return;
      const started = performance.now();
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
        body: delivery.payload,
      });
      await response.arrayBuffer();
      samples?.push(performance.now() - started);
      if (response.status === expected) acknowledged++;
      else refused++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { acknowledged, refused };
}

try {
  const workspace = await db.workspace.create({ data: { name: "Bench" } });
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, providerId: "stripe", authType: "api_key", status: "connected", accountLabel: "Stripe (test mode)" },
  });
  await db.credential.create({
    data: {
      connectionId: connection.id,
      ...seal({ secretKey: "sk_test_BenchKey000000000000001", webhookSecret: WEBHOOK_SECRET }, { workspaceId: workspace.id, connectionId: connection.id }),
    },
  });
  server = await startProductionServer({
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    TOKEN_ENCRYPTION_KEY: KEY,
  });
  floor = await startFloor(database.url);
  const APP_PATH = "/api/webhooks/stripe";

  await post(floor.url, "/", deliveries(WARMUP, "floorwarm"));
  await post(server.url, APP_PATH, deliveries(WARMUP, "warm"));
  await drain(`evt_warm_`, WARMUP);

  const floorRounds: Round[] = [];
  // What Next.js itself costs here: the same senders against a webhook URL no provider has (routing,
  // the handler's 404, no database). Not a goal, a reading: no route handler can beat it.
  const ceilingRounds: Round[] = [];
  const appRounds: (Round & { drainSeconds: number; processed: number; stored: number; payments: number })[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    floorRounds.push(await round(floor.url, "/", `floor${i}`));
    ceilingRounds.push(await round(server.url, "/api/webhooks/no-such-provider", `ceiling${i}`, 404));
    const app = await round(server.url, APP_PATH, `bench${i}`);
    // Processing runs after each answer; wait for it to drain (bounded) before the next round.
    const drainStarted = performance.now();
    const processed = await drain(`evt_bench${i}_`, app.acknowledged);
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const scope = { workspaceId: workspace.id, dedupeKey: { startsWith: `evt_bench${i}_` } };
    const stored = await db.inboundEvent.count({ where: scope });
    const payments = await db.payment.count({ where: { workspaceId: workspace.id, paymentIntentId: { startsWith: `pi_bench${i}_` }, status: "completed" } });
    appRounds.push({ ...app, drainSeconds, processed, stored, payments });
  }

  const floorBest = best(floorRounds);
  const ceiling = best(ceilingRounds);
  const appBest = best(appRounds);
  const ratio = appBest.throughput / floorBest.throughput;
  const lost = appRounds.reduce((sum, r) => sum + (r.acknowledged - r.stored), 0);
  const unprocessed = appRounds.reduce((sum, r) => sum + (r.acknowledged - r.processed), 0);
  const slowestDrain = Math.max(...appRounds.map((r) => r.drainSeconds));
  const refused = appRounds.reduce((sum, r) => sum + r.refused, 0) + floorRounds.reduce((sum, r) => sum + r.refused, 0);
  const met = ratio >= 0.6 && appBest.figure.p99 < 50 && slowestDrain <= 5 && lost === 0 && unprocessed === 0;
  console.log(`bench/webhook-ingest: ${ROUNDS} × ${EVENTS} signed Stripe payment_intent.succeeded events, ${CONCURRENCY} concurrent senders, PostgreSQL`);
  for (let i = 0; i < ROUNDS; i++) {
    console.log(`  round ${i + 1}  floor ${line(floorRounds[i]!)}`);
    const r = appRounds[i]!;
    console.log(
      `           plugboard ${line(r)}  (stored ${r.stored}, processed ${r.processed}, payments ${r.payments}, drained ${r.drainSeconds.toFixed(1)} s after the last answer)`,
    );
  }
  console.log(`  next.js alone (a webhook URL no provider has: routing and a 404): ${line(ceiling)}`);
  console.log(
    `  best: plugboard ${appBest.throughput} events/s = ${ratio.toFixed(2)} × the floor's ${floorBest.throughput} (${(appBest.throughput / ceiling.throughput).toFixed(2)} × next.js alone); p99 ${appBest.figure.p99} ms; lost ${lost}; unprocessed ${unprocessed}; refused ${refused}`,
  );
  console.log(`  goal: ≥ 0.6 × the floor, p99 < 50 ms, drained within 5 s, 0 lost: ${met ? "met" : "NOT met"}`);
  if (lost !== 0 || refused !== 0 || unprocessed !== 0) process.exitCode = 1;

  /** Waits (at most 60 s) until `count` events whose id starts with `prefix` are processed; returns how many are. */
  async function drain(prefix: string, count: number): Promise<number> {
    let processed = 0;
    for (let i = 0; i < 600; i++) {
      processed = await db.inboundEvent.count({ where: { workspaceId: workspace.id, dedupeKey: { startsWith: prefix }, state: "processed" } });
      if (processed >= count) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return processed;
  }
} finally {
  await floor?.stop();
  await server?.stop();
  await db.$disconnect();
  await database.drop();
}
