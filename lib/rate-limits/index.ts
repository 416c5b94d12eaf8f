// Provider rate limits, enforced before a call leaves Plugboard. Quotas come from the provider's
// manifest (its documented figures) with the RATE_LIMITS setting on top. Counting happens in the
// database, one row per workspace, provider, scope and fixed window, so every app instance and
// job process draws from the same allowance:
//
//   INSERT … ON CONFLICT DO UPDATE SET count = count + 1 WHERE count < limit RETURNING count
//
// PostgreSQL serialises concurrent upserts of one row, so at most `limit` calls get a row back
// per window, however many instances ask at once. A call that also has an operation limit takes
// both permits in one transaction, so a refusal by either takes neither.
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { utcTimestamp } from "@/lib/db/sql";
import { Prisma } from "@/lib/generated/prisma/client";
import { getProvider } from "@/lib/integrations/registry";
import type { RateLimit } from "@/lib/integrations/kit/manifest";
import { parseRateLimitOverrides, type RateLimitOverride } from "@/lib/config/rate-limit-overrides";

/** Scope of the limit on every call of a connection; operation limits use the operation name. */
export const CONNECTION_SCOPE = "*";

export interface RateLimitsInForce {
  providerId: string;
  /** null: not limited (switched off in RATE_LIMITS). */
  perConnection: RateLimit | null;
  /** Operation-specific limits (null: switched off). */
  operations: Record<string, RateLimit | null>;
  /** Where the default figures come from. */
  source: string;
  /** RATE_LIMITS changes something for this provider. */
  overridden: boolean;
}

let cachedOverrides: { raw: string | undefined; parsed: RateLimitOverride[] } | undefined;

function overrides(): RateLimitOverride[] {
  const raw = config().RATE_LIMITS;
  if (!cachedOverrides || cachedOverrides.raw !== raw) cachedOverrides = { raw, parsed: parseRateLimitOverrides(raw) };
  return cachedOverrides.parsed;
}

/** The limits that apply to a provider now: the manifest's, with RATE_LIMITS applied. */
export function rateLimitsInForce(providerId: string): RateLimitsInForce {
  const spec = getProvider(providerId)?.rateLimits;
  const result: RateLimitsInForce = {
    providerId,
    perConnection: spec?.perConnection ? { ...spec.perConnection } : null,
    operations: Object.fromEntries(Object.entries(spec?.operations ?? {}).map(([op, limit]) => [op, { ...limit }])),
    source: spec?.source ?? "No documented quota",
    overridden: false,
  };
  for (const o of overrides()) {
    if (o.providerId !== providerId) continue;
    result.overridden = true;
    if (o.operation) result.operations[o.operation] = o.limit;
    else result.perConnection = o.limit;
  }
  return result;
}

interface Bucket extends RateLimit {
  scope: string;
}

/** The windows one call counts against, connection-wide first (a fixed order, so no deadlocks). */
export function bucketsFor(providerId: string, operation: string): Bucket[] {
  const limits = rateLimitsInForce(providerId);
  const buckets: Bucket[] = [];
  if (limits.perConnection) buckets.push({ scope: CONNECTION_SCOPE, ...limits.perConnection });
  const op = limits.operations[operation];
  if (op && operation !== CONNECTION_SCOPE) buckets.push({ scope: operation, ...op });
  return buckets;
}

export type RatePermit =
  | { allowed: true }
  | {
      allowed: false;
      /** Which limit refused: "*" (every call) or the operation. */
      scope: string;
      limit: number;
      windowSeconds: number;
      /** When the refusing window ends. */
      retryAt: Date;
      /** A sentence for the activity log and the caller. */
      message: string;
    };

export interface RateKey {
  workspaceId: string;
  providerId: string;
  operation: string;
}

class Refused extends Error {
  constructor(
    readonly bucket: Bucket,
    readonly windowEnd: number,
  ) {
    super("rate limit reached");
  }
}

function windowOf(bucket: Bucket, nowMs: number): { start: number; end: number } {
  const size = bucket.windowSeconds * 1000;
  const start = Math.floor(nowMs / size) * size;
  return { start, end: start + size };
}

/** Counts one call in the bucket's current window; false (and nothing counted) when it is full. */
async function claim(db: Db | Prisma.TransactionClient, key: RateKey, bucket: Bucket, nowMs: number): Promise<{ ok: boolean; windowEnd: number }> {
  const { start, end } = windowOf(bucket, nowMs);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitWindow" ("workspaceId", "providerId", "scope", "windowStart", "windowEnd", "count")
    VALUES (${key.workspaceId}, ${key.providerId}, ${bucket.scope}, ${utcTimestamp(start)}, ${utcTimestamp(end)}, 1)
    ON CONFLICT ("workspaceId", "providerId", "scope", "windowStart")
    DO UPDATE SET "count" = "RateLimitWindow"."count" + 1 WHERE "RateLimitWindow"."count" < ${bucket.limit}
    RETURNING "count"`;
  return { ok: rows.length === 1, windowEnd: end };
}

export type WindowPermit = { allowed: true } | { allowed: false; retryAt: Date };

/**
 * Counts one event against a limit of Plugboard's own (not a provider's quota): the refused
 * inbound webhooks of one client address. Same row, same atomic upsert as provider calls, so the
 * count holds across instances; `workspaceId` and `providerId` only name the counter.
 */
export async function takeFromWindow(db: Db, key: { workspaceId: string; providerId: string; scope: string }, limit: RateLimit, now: Date = new Date()): Promise<WindowPermit> {
  const claimed = await claim(db, { ...key, operation: key.scope }, { scope: key.scope, ...limit }, now.getTime());
  return claimed.ok ? { allowed: true } : { allowed: false, retryAt: new Date(claimed.windowEnd) };
}

const UNITS: [number, string][] = [
  [86_400, "day"],
  [3600, "hour"],
  [60, "minute"],
  [1, "second"],
];

/** "25 calls per second", "150 calls per 24 hours", "10,000 calls per 10 minutes". */
export function describeRateLimit(limit: RateLimit): string {
  const calls = `${limit.limit.toLocaleString("en-US")} ${limit.limit === 1 ? "call" : "calls"}`;
  if (limit.windowSeconds === 86_400) return `${calls} per 24 hours`;
  for (const [size, unit] of UNITS) {
    if (limit.windowSeconds % size === 0) {
      const n = limit.windowSeconds / size;
      return n === 1 ? `${calls} per ${unit}` : `${calls} per ${n.toLocaleString("en-US")} ${unit}s`;
    }
  }
  return `${calls} per ${limit.windowSeconds} seconds`;
}

function refusal(key: RateKey, bucket: Bucket, windowEnd: number): RatePermit {
  const name = getProvider(key.providerId)?.name ?? key.providerId;
  const what = bucket.scope === CONNECTION_SCOPE ? name : `${name} ${key.operation}`;
  const retryAt = new Date(windowEnd);
  return {
    allowed: false,
    scope: bucket.scope,
    limit: bucket.limit,
    windowSeconds: bucket.windowSeconds,
    retryAt,
    message: `Rate limit for ${what} reached (${describeRateLimit(bucket)}); not sent to the provider. Next call allowed after ${retryAt.toISOString()}`,
  };
}

/**
 * Takes a permit for one provider request (the call pipeline asks before every attempt). Allowed
 * calls are counted; a refusal says which limit and until when.
 */
export async function acquireRatePermit(db: Db, key: RateKey, now: Date = new Date()): Promise<RatePermit> {
  const buckets = bucketsFor(key.providerId, key.operation);
  const nowMs = now.getTime();
  if (buckets.length === 0) return { allowed: true };
  if (buckets.length === 1) {
    const bucket = buckets[0]!;
    const claimed = await claim(db, key, bucket, nowMs);
    return claimed.ok ? { allowed: true } : refusal(key, bucket, claimed.windowEnd);
  }
  try {
    await db.$transaction(async (tx) => {
      for (const bucket of buckets) {
        const claimed = await claim(tx, key, bucket, nowMs);
        // Throwing rolls back the permits already taken in this transaction.
        if (!claimed.ok) throw new Refused(bucket, claimed.windowEnd);
      }
    });
    return { allowed: true };
  } catch (error) {
    if (error instanceof Refused) return refusal(key, error.bucket, error.windowEnd);
    throw error;
  }
}

/**
 * Takes a permit for each of many calls in one statement (a run over many connections: the token
 * refresh), with acquireRatePermit's rules per call. A call whose limits need two windows (an
 * operation limit too), or whose window another call in the list already takes, gets its permit
 * on its own, after the statement. Permits come back in the order of `keys`.
 */
export async function acquireRatePermits(db: Db, keys: RateKey[], now: Date = new Date()): Promise<RatePermit[]> {
  const nowMs = now.getTime();
  const permits: (RatePermit | undefined)[] = keys.map(() => undefined);
  const together: { index: number; bucket: Bucket; start: number; end: number }[] = [];
  const alone: number[] = [];
  const windows = new Set<string>();
  keys.forEach((key, index) => {
    const buckets = bucketsFor(key.providerId, key.operation);
    if (buckets.length === 0) return void (permits[index] = { allowed: true });
    const bucket = buckets[0]!;
    const { start, end } = windowOf(bucket, nowMs);
    const window = JSON.stringify([key.workspaceId, key.providerId, bucket.scope, start]);
    // One row can take one increment per statement; a second call on it waits for the first.
    if (buckets.length > 1 || windows.has(window)) return void alone.push(index);
    windows.add(window);
    together.push({ index, bucket, start, end });
  });
  if (together.length) {
    const keyAt = (index: number) => keys[index]!;
    // As claim(), for every window at once; each window's limit is looked up among the inputs, and
    // the windows are taken in a fixed order (so two such statements cannot deadlock). One array
    // per column (a parameter per column, not per value): as cheap to prepare for many as for one.
    const rows = await db.$queryRaw<{ workspaceId: string; providerId: string; scope: string }[]>`
      WITH i AS (
        SELECT "workspaceId", "providerId", "scope", to_timestamp("start" / 1000.0) AT TIME ZONE 'UTC' AS "windowStart", to_timestamp("end" / 1000.0) AT TIME ZONE 'UTC' AS "windowEnd", "limit"
        FROM unnest(${together.map((t) => keyAt(t.index).workspaceId)}::text[], ${together.map((t) => keyAt(t.index).providerId)}::text[], ${together.map((t) => t.bucket.scope)}::text[],
          ${together.map((t) => t.start)}::float8[], ${together.map((t) => t.end)}::float8[], ${together.map((t) => t.bucket.limit)}::int[])
          AS u ("workspaceId", "providerId", "scope", "start", "end", "limit")
      )
      INSERT INTO "RateLimitWindow" ("workspaceId", "providerId", "scope", "windowStart", "windowEnd", "count")
      SELECT "workspaceId", "providerId", "scope", "windowStart", "windowEnd", 1 FROM i ORDER BY "workspaceId", "providerId", "scope"
      ON CONFLICT ("workspaceId", "providerId", "scope", "windowStart")
      DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
      WHERE "RateLimitWindow"."count" < (SELECT i."limit" FROM i WHERE i."workspaceId" = EXCLUDED."workspaceId" AND i."providerId" = EXCLUDED."providerId" AND i."scope" = EXCLUDED."scope")
      RETURNING "workspaceId", "providerId", "scope"`;
    const claimed = new Set(rows.map((r) => JSON.stringify([r.workspaceId, r.providerId, r.scope])));
    for (const { index, bucket, end } of together) {
      const key = keys[index]!;
      permits[index] = claimed.has(JSON.stringify([key.workspaceId, key.providerId, bucket.scope])) ? { allowed: true } : refusal(key, bucket, end);
    }
  }
  for (const index of alone) permits[index] = await acquireRatePermit(db, keys[index]!, now);
  return permits as RatePermit[];
}

export interface RateUsage {
  providerId: string;
  scope: string;
  count: number;
  windowStart: string;
  windowEnd: string;
}

/** Calls counted in the windows still open for a workspace (one query), for the dashboard. */
export async function currentRateUsage(db: Db, workspaceId: string, now: Date = new Date()): Promise<RateUsage[]> {
  const rows = await db.rateLimitWindow.findMany({
    where: { workspaceId, windowEnd: { gt: now }, windowStart: { lte: now } },
    select: { providerId: true, scope: true, count: true, windowStart: true, windowEnd: true },
    orderBy: [{ providerId: "asc" }, { scope: "asc" }],
  });
  return rows.map((r) => ({ ...r, windowStart: r.windowStart.toISOString(), windowEnd: r.windowEnd.toISOString() }));
}

/** Drops windows that ended more than a minute ago (the health-check job calls this). */
export async function pruneRateLimitWindows(db: Db, now: Date = new Date()): Promise<number> {
  const result = await db.rateLimitWindow.deleteMany({ where: { windowEnd: { lt: new Date(now.getTime() - 60_000) } } });
  return result.count;
}
