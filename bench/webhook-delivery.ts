// bench/webhook-delivery: 10,000 outgoing webhook deliveries to a local receiver, through the
// real engine (claim with SKIP LOCKED, sign, POST, log the attempt) on a fresh PostgreSQL
// database; prints deliveries per second. Goal: ≥ 200 deliveries/s on a 2-core machine.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { emitEvent } from "@/lib/events";
import { deliverDueWebhooks } from "@/lib/webhooks-out/deliver";
import { sealEndpointSecrets } from "@/lib/webhooks-out/secrets";
import { generateSecret } from "@/lib/webhooks-out/signing";
import { freshPostgresDatabase } from "@/bench/lib";
import { getDb } from "@/lib/db/client";

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 10_000);
// Endpoint secrets are sealed by the vault, which needs a key next to a DATABASE_URL.
process.env.TOKEN_ENCRYPTION_KEY ??= "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=";
process.env.LOG_LEVEL ??= "warn";
// The receiver is on 127.0.0.1, which the URL rules refuse unless configured to allow it.
const policy = { httpHosts: ["127.0.0.1"], allowedNetworks: ["127.0.0.1"] };

// The receiver a customer would run: checks the simple signature of every request, answers 200.
let secretKey = Buffer.alloc(0);
const seen = new Map<string, number>();
let badSignatures = 0;
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const id = String(req.headers["x-webhook-id"]);
    const expected =
      "sha256=" +
      crypto
        .createHmac("sha256", secretKey)
        .update(`${id}.${req.headers["x-webhook-timestamp"]}.${Buffer.concat(chunks).toString("utf8")}`)
        .digest("hex");
    if (req.headers["x-webhook-signature"] !== expected) badSignatures++;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const database = await freshPostgresDatabase();
try {
  const db = await getDb();
  const workspace = await db.workspace.create({ data: { name: "Bench" } });
  // As the API creates it (that module needs next-auth, which only loads inside Next).
  const secret = generateSecret();
  const id = "ep_bench";
  await db.webhookEndpoint.create({
    data: { id, workspaceId: workspace.id, name: "Bench receiver", url: receiverUrl, events: ["*"], ...sealEndpointSecrets(workspace.id, id, { secret, headers: {} }) },
  });
  secretKey = Buffer.from(secret.slice("whsec_".length), "base64");

  const enqueueStarted = performance.now();
  for (let i = 0; i < DELIVERIES; i += 100) {
    await db.$transaction(
      async (tx) => {
        for (let j = i; j < Math.min(DELIVERIES, i + 100); j++) {
          await emitEvent(tx, { workspaceId: workspace.id, type: "booking.created", data: { bookingReference: `BK-${j}`, providerId: "google-calendar", eventId: `evt_${j}` } });
        }
      },
      { timeout: 60_000 },
    );
  }
  const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;

  const started = performance.now();
  let attempted = 0;
  while (attempted < DELIVERIES) {
    const report = await deliverDueWebhooks({ policy, budgetMs: 600_000 });
    if (!report.attempted) break;
    attempted += report.attempted;
  }
  const seconds = (performance.now() - started) / 1000;
  const succeeded = await db.webhookDelivery.count({ where: { status: "succeeded" } });
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  if (succeeded !== DELIVERIES || seen.size !== DELIVERIES || duplicates || badSignatures) {
    throw new Error(`unexpected result: ${succeeded} succeeded, ${seen.size} received, ${duplicates} duplicates, ${badSignatures} bad signatures`);
  }
  const rate = Math.round(DELIVERIES / seconds);
  console.log(`bench/webhook-delivery: ${DELIVERIES.toLocaleString("en")} signed deliveries to a local receiver on PostgreSQL (raised in ${enqueueSeconds.toFixed(1)} s)`);
  console.log(`  ${seconds.toFixed(1)} s → ${rate} deliveries/s  (goal: ≥ 200/s: ${rate >= 200 ? "met" : "NOT met"})`);
} finally {
  await database.drop();
  receiver.close();
  receiver.closeAllConnections();
}
