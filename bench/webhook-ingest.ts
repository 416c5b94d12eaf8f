// bench/webhook-ingest: signed Stripe events (payment_intent.succeeded, each a new payment to
// record) posted to the production server on PostgreSQL by CONCURRENCY clients at once. Measures
// what the provider sees — acknowledgement throughput and latency — then waits for processing to
// drain and checks that nothing acknowledged was lost (events stored = events acknowledged, and
// all of them processed). Goal: ≥ 500 events/s with p99 < 50 ms on a 2-core machine.
import { performance } from "node:perf_hooks";
import Stripe from "stripe";
import { createPrismaClient } from "@/lib/db/client";
import { resetConfig } from "@/lib/config";
import { seal } from "@/lib/vault";
import { freshPostgresDatabase, startProductionServer, summarize } from "@/bench/lib";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WEBHOOK_SECRET = "whsec_BenchWebhookSecret00000000001";
const KEY = "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=";

process.env.TOKEN_ENCRYPTION_KEY = KEY;
resetConfig();
const database = await freshPostgresDatabase();
const db = createPrismaClient(database.url, 2);
let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;

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

async function post(url: string, batch: ReturnType<typeof deliveries>, samples?: number[]): Promise<{ acknowledged: number; refused: number }> {
  let next = 0;
  let acknowledged = 0;
  let refused = 0;
  const worker = async () => {
    for (;;) {
      const delivery = batch[next++];
      if (!delivery) return;
      const started = performance.now();
      const response = await fetch(`${url}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
        body: delivery.payload,
      });
      await response.arrayBuffer();
      samples?.push(performance.now() - started);
      if (response.status === 200) acknowledged++;
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

  await post(server.url, deliveries(WARMUP, "warm"));
  const batch = deliveries(EVENTS, "bench");
  const samples: number[] = [];
  const started = performance.now();
  const { acknowledged, refused } = await post(server.url, batch, samples);
  const seconds = (performance.now() - started) / 1000;

  // Processing runs after each answer; wait for it to drain (bounded).
  const drainStarted = performance.now();
  const benchEvents = { workspaceId: workspace.id, dedupeKey: { startsWith: "evt_bench_" } };
  let processed = 0;
  for (let i = 0; i < 600; i++) {
    processed = await db.inboundEvent.count({ where: { ...benchEvents, state: "processed" } });
    if (processed >= acknowledged) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const stored = await db.inboundEvent.count({ where: benchEvents });
  const payments = await db.payment.count({ where: { workspaceId: workspace.id, paymentIntentId: { startsWith: "pi_bench_" }, status: "completed" } });
  const lost = acknowledged - stored;

  const figure = summarize(samples);
  const throughput = Math.round(acknowledged / seconds);
  const met = throughput >= 500 && figure.p99 < 50 && lost === 0;
  console.log(`bench/webhook-ingest: ${EVENTS} signed Stripe payment_intent.succeeded events, ${CONCURRENCY} concurrent senders, production server on PostgreSQL`);
  console.log(`  throughput ${throughput} events/s  p50 ${figure.p50} ms  p95 ${figure.p95} ms  p99 ${figure.p99} ms  max ${figure.max} ms`);
  console.log(
    `  acknowledged ${acknowledged}  refused ${refused}  stored ${stored}  lost ${lost}  processed ${processed} (payments recorded ${payments}; drained ${drainSeconds.toFixed(1)} s after the last answer)`,
  );
  console.log(`  goal: ≥ 500 events/s, p99 < 50 ms, zero lost: ${met ? "met" : "NOT met"}`);
  if (lost !== 0 || refused !== 0) process.exitCode = 1;
} finally {
  await server?.stop();
  await db.$disconnect();
  await database.drop();
}
