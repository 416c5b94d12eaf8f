// A second app instance for the rate-limit test: its own process and its own Prisma client on the
// test database, calling the fake provider through the real pipeline. Prints what it was allowed.
//
//   tsx tests/integration/rate-limits/instance.ts <json {workspaceId, connectionId, url, calls, nowMs}>
import { createPrismaClient } from "@/lib/db/client";
import { callProvider } from "@/lib/pipeline/call";
import { fetchJson } from "@/tests/integration/pipeline/fake-provider";

const { workspaceId, connectionId, url, calls, nowMs } = JSON.parse(process.argv[2]!) as {
  workspaceId: string;
  connectionId: string;
  url: string;
  calls: number;
  nowMs: number;
};
const db = createPrismaClient(process.env.DATABASE_URL!, 4);
const ctx = { workspaceId, connectionId, providerId: "stripe", operation: "balance.retrieve", actor: "instance:c" };
const results = await Promise.all(Array.from({ length: calls }, () => callProvider(ctx, fetchJson(url), { db, maxAttempts: 1, now: () => new Date(nowMs) })));
await db.$disconnect();
process.stdout.write(JSON.stringify({ allowed: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok && r.category === "rate_limit").length }));
