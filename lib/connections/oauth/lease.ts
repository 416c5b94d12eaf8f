// The refresh lease: a lock on one connection row, held in the database so that it holds across
// processes, serverless instances and cron runs. Taken with a conditional UPDATE — PostgreSQL
// re-checks the WHERE clause of a second concurrent UPDATE after the first commits, so exactly one
// caller gets it — and released by an UPDATE that names the holder. A holder that dies leaves a
// lease that simply expires.
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
  credential: { ciphertext: string; keyId: string } | null;
}

/**
 * Takes the lease on a connection when it is free (never taken, released, or expired) and the row
 * also matches `condition` (what makes the refresh still needed: due, or still on the token the
 * caller saw) — and reads the row and its credential in the same round trip. Null when someone
 * else holds it or the condition no longer holds.
 */
export async function acquireLease(db: Db, connectionId: string, condition: Prisma.Sql = Prisma.sql`TRUE`, now: Date = new Date()): Promise<{ lease: Lease; connection: LeasedConnection } | null> {
  const lease: Lease = { id: crypto.randomUUID(), connectionId, until: new Date(now.getTime() + leaseDurationMs()) };
  const rows = await db.$queryRaw<(Omit<LeasedConnection, "credential"> & { ciphertext: string | null; keyId: string | null })[]>`
    WITH leased AS (
      UPDATE "Connection" SET "refreshLeaseId" = ${lease.id}, "refreshLeaseUntil" = ${lease.until}
      WHERE "id" = ${connectionId} AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < ${now}) AND (${condition})
      RETURNING "id", "workspaceId", "providerId", "tokenVersion", "expiresAt"
    )
    SELECT leased.*, c."ciphertext", c."keyId" FROM leased LEFT JOIN "Credential" c ON c."connectionId" = leased."id"`;
  const row = rows[0];
  if (!row) return null;
  const { ciphertext, keyId, ...facts } = row;
  return { lease, connection: { ...facts, credential: ciphertext && keyId ? { ciphertext, keyId } : null } };
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
