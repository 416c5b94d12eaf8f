// The floor bench/webhook-ingest measures Plugboard against, in the same run on the same
// PostgreSQL: a bare Node HTTP server doing only what no webhook ingest can skip — read the body,
// check the Stripe signature with the SDK, store the event with one deduplicating INSERT on a
// pool as large as the app's, and answer. No framework, no routing, no processing afterwards.
// Started as a child process (as `next start` is) so it does not share the senders' event loop;
// prints "listening <port>" when ready.
import http from "node:http";
import pg from "pg";
import Stripe from "stripe";

const secret = process.env.FLOOR_WEBHOOK_SECRET!;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.FLOOR_POOL_SIZE ?? 10) });
await pool.query("CREATE TABLE IF NOT EXISTS bench_floor_event (dedupe_key text PRIMARY KEY, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())");

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks).toString("utf8");
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(body, String(req.headers["stripe-signature"] ?? ""), secret);
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad signature"}');
      return;
    }
    try {
      const inserted = await pool.query("INSERT INTO bench_floor_event (dedupe_key, payload) VALUES ($1, $2) ON CONFLICT (dedupe_key) DO NOTHING", [event.id, body]);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received: true, id: event.id, duplicate: inserted.rowCount === 0 }));
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: (error as Error).message }));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as import("node:net").AddressInfo).port}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
