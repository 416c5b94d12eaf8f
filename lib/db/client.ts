// The Prisma Client for the whole app, over PostgreSQL's wire protocol through the `pg` driver
// adapter — to a server (DATABASE_URL) or to the embedded PGlite server that `npm run dev` /
// `npm start` run beside the app.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { config, dataDir } from "@/lib/config";
import { runBeforeCommit, withCommitScope } from "@/lib/db/after-commit";
import { findRunningEmbeddedServer } from "@/lib/db/embedded";

export type Db = PrismaClient;

const globalForDb = globalThis as unknown as { plugboardDb?: { url: string; client: PrismaClient } };

/** The database URL: DATABASE_URL, else the embedded server running on the data folder. */
export async function resolveDatabaseUrl(): Promise<string> {
  const configured = config().DATABASE_URL;
  if (configured) return configured;
  const embedded = await findRunningEmbeddedServer(dataDir());
  if (embedded) return embedded;
  throw new Error("No database: set DATABASE_URL, or start Plugboard with `npm run dev` / `npm start`, which run the embedded database.");
}

export function createPrismaClient(url: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  return withCommitHooks(new PrismaClient({ adapter }));
}

/**
 * Every interactive transaction of the client runs in a commit scope (lib/db/after-commit.ts), so
 * work registered inside it — sending the webhooks of the events it raised — starts only once it
 * has committed, whoever opened it, and writes it collected go in just before it commits. Batch
 * transactions (an array of queries) pass through.
 */
function withCommitHooks(client: PrismaClient): PrismaClient {
  const begin = client.$transaction.bind(client) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const transaction = (arg: unknown, options?: unknown) => {
    if (typeof arg !== "function") return begin(arg, options);
    const body = arg as (tx: unknown) => Promise<unknown>;
    return withCommitScope(() =>
      begin(async (tx: unknown) => {
        const result = await body(tx);
        await runBeforeCommit();
        return result;
      }, options),
    );
  };
  Object.defineProperty(client, "$transaction", { value: transaction, configurable: true, writable: true });
  return client;
}

/** The shared client, created on first use (never at import, so builds need no database). */
export async function getDb(): Promise<PrismaClient> {
  // The database is decided once per process; closeDb() lets tests switch.
  if (globalForDb.plugboardDb) return globalForDb.plugboardDb.client;
  const url = await resolveDatabaseUrl();
  if (globalForDb.plugboardDb) return (globalForDb.plugboardDb as { client: PrismaClient }).client;
  const client = createPrismaClient(url);
  globalForDb.plugboardDb = { url, client };
  return client;
}

/** Closes the shared client (CLIs and tests call this before exiting). */
export async function closeDb(): Promise<void> {
  const current = globalForDb.plugboardDb;
  globalForDb.plugboardDb = undefined;
  if (current) await current.client.$disconnect();
}
