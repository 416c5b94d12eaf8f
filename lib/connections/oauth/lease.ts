// The refresh lease: a lock on one connection row, held in the database so that it holds across
// processes, serverless instances and cron runs. Taken with a conditional UPDATE — PostgreSQL
// re-checks the WHERE clause of a second concurrent UPDATE after the first commits, so exactly one
// caller gets it — and released by an UPDATE that names the holder. A holder that dies leaves a
// lease that simply expires. The scheduled run takes many leases in one statement (acquireLeases).
import crypto from "node:crypto";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * How long a lease lasts: longer than the longest refresh call can take (every attempt timing out,
 * with the longest backoff between attempts), so a live holder never loses it mid-refresh.
 */
export function leaseDurationMs(): number {
  const cfg = config();
  const attempts = Math.max(1, cfg.PIPELINE_MAX_ATTEMPTS);
  return attempts * cfg.PIPELINE_TIMEOUT_MS + (attempts - 1) * cfg.PIPELINE_BACKOFF_CAP_MS + 10_000;
}

export interface Lease {
  id: string;
  connectionId: string;
  until: Date;
}

/** What the holder needs to refresh: the row's facts and its sealed credential. */
export interface LeasedConnection {
  id: string;
  workspaceId: string;
  providerId: string;
  tokenVersion: number;
  expiresAt: Date | null;
  /** The circuit breaker's state, read with the lease: a refresh on a closed circuit skips the pipeline's own read. */
  circuitState: "closed" | "open" | "half_open";
  credential: { ciphertext: string; keyId: string } | null;
}

type LeasedRow = Omit<LeasedConnection, "credential"> & { ciphertext: string | null; keyId: string | null };

const LEASED_COLUMNS = Prisma.sql`c."id", c."workspaceId", c."providerId", c."tokenVersion", c."expiresAt", c."circuitState"::text AS "circuitState"`;

function leasedConnection({ ciphertext, keyId, ...facts }: LeasedRow): LeasedConnection {
  return { ...facts, credential: ciphertext && keyId ? { ciphertext, keyId } : null };
}

/**
 * Takes the lease on a connection when it is free (never taken, released, or expired) and the row
 * also matches `condition` (what makes the refresh still needed: due, or still on the token the
 * caller saw) — and reads the row and its credential in the same round trip. Null when someone
 * else holds it or the condition no longer holds.
 */
export async function acquireLease(
  db: Db,
  connectionId: string,
  condition: Prisma.Sql = Prisma.sql`TRUE`,
  now: Date = new Date(),
): Promise<{ lease: Lease; connection: LeasedConnection } | null> {
  const lease: Lease = { id: crypto.randomUUID(), connectionId, until: new Date(now.getTime() + leaseDurationMs()) };
  const rows = await db.$queryRaw<LeasedRow[]>`
    WITH leased AS (
      UPDATE "Connection" c SET "refreshLeaseId" = ${lease.id}, "refreshLeaseUntil" = ${lease.until}
      WHERE "id" = ${connectionId} AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < ${now}) AND (${condition})
      RETURNING ${LEASED_COLUMNS}
    )
    SELECT leased.*, cr."ciphertext", cr."keyId" FROM leased LEFT JOIN "Credential" cr ON cr."connectionId" = leased."id"`;
  const row = rows[0];
  if (!row) return null;
  return { lease, connection: leasedConnection(row) };
}

/**
 * Takes the leases on up to `limit` free connections matching `condition`, lowest id after `after`
 * first, and reads them with their credentials — one statement for the lot (the scheduled run).
 * FOR UPDATE SKIP LOCKED: a row another caller is leasing (or writing) at this instant is left to
 * it rather than waited for; PostgreSQL re-checks the WHERE clause on the newest version of every
 * row it does lock, so a row leased by a statement that committed meanwhile is not taken twice.
 * The leases share one id (each still names its connection); ordered by id.
 */
export async function acquireLeases(
  db: Db,
  condition: Prisma.Sql,
  options: { limit: number; after?: string; now?: Date },
): Promise<{ lease: Lease; connection: LeasedConnection }[]> {
  const now = options.now ?? new Date();
  const id = crypto.randomUUID();
  const until = new Date(now.getTime() + leaseDurationMs());
  const rows = await db.$queryRaw<LeasedRow[]>`
    WITH free AS (
      SELECT "id" FROM "Connection"
      WHERE "id" > ${options.after ?? ""} AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < ${now}) AND (${condition})
      ORDER BY "id" LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    ), leased AS (
      UPDATE "Connection" c SET "refreshLeaseId" = ${id}, "refreshLeaseUntil" = ${until}
      FROM free WHERE c."id" = free."id"
      RETURNING ${LEASED_COLUMNS}
    )
    SELECT leased.*, cr."ciphertext", cr."keyId" FROM leased LEFT JOIN "Credential" cr ON cr."connectionId" = leased."id"
    ORDER BY leased."id"`;
  return rows.map((row) => ({ lease: { id, connectionId: row.id, until }, connection: leasedConnection(row) }));
}

/**
 * Extends a held lease to a full term from `now`; false when it is no longer held. For a lease
 * taken in a batch that waited its turn: the refresh call must find a full term ahead of it.
 */
export async function renewLease(db: Db, lease: Lease, now: Date = new Date()): Promise<boolean> {
  const until = new Date(now.getTime() + leaseDurationMs());
  const renewed = await db.connection.updateMany({ where: heldBy(lease), data: { refreshLeaseUntil: until } });
  if (renewed.count !== 1) return false;
  lease.until = until;
  return true;
}

/** The WHERE clause that matches the row only while this lease is held. */
function heldBy(lease: Lease): Prisma.ConnectionWhereInput {
  return { id: lease.connectionId, refreshLeaseId: lease.id };
}

/** Frees the lease (a no-op if it was lost); `data` is written in the same UPDATE. */
export function releaseLease(db: Db | Prisma.TransactionClient, lease: Lease, data: Prisma.ConnectionUpdateManyMutationInput = {}) {
  return db.connection.updateMany({ where: heldBy(lease), data: { ...data, refreshLeaseId: null, refreshLeaseUntil: null } });
}

/**
 * Waits until nobody holds the connection's lease (released, or expired), polling the row.
 * Returns false when it is still held after `maxWaitMs`.
 */
export async function waitForLease(db: Db, connectionId: string, maxWaitMs: number, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  let pause = 50;
  for (;;) {
    const row = await db.connection.findUnique({ where: { id: connectionId }, select: { refreshLeaseUntil: true } });
    if (!row?.refreshLeaseUntil || row.refreshLeaseUntil.getTime() < Date.now()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 500);
  }
}
