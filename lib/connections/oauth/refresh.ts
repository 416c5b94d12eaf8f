// The token lifecycle. One function refreshes one connection — refreshConnection() — and every
// refresh goes through it: the cron route and the job CLI (refreshDueTokens), and provider calls
// that find their token expired or answered 401 (lib/connections/oauth/access.ts).
//
// No double refresh, ever: a refresh first takes the connection's lease (lib/connections/oauth/lease.ts) with a
// condition saying why it is still needed — "due" for the cron, "still on the token I saw" on
// demand. Whoever loses either finds the work done (reuses the new token) or waits for the holder.
// The new tokens and the row change are written in one transaction, only while the lease is held.
import { recordAudit } from "@/lib/audit";
import { forEachConcurrently } from "@/lib/concurrency";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { emitEvent } from "@/lib/events";
import { getProvider } from "@/lib/integrations/registry";
import { logger } from "@/lib/log";
import { Prisma } from "@/lib/generated/prisma/client";
import { acquireLease, leaseDurationMs, releaseLease, waitForLease, type Lease, type LeasedConnection } from "@/lib/connections/oauth/lease";
import { requireOAuthProvider, resolveOAuth } from "@/lib/connections/oauth/setup";
import { mergeTokens } from "@/lib/connections/oauth/tokens";
import type { StoredTokens } from "@/lib/integrations/kit/oauth";
import { callProvider, safeMessage, type CallOptions, type ErrorCategory } from "@/lib/pipeline";
import { seal, unseal } from "@/lib/vault";

/** Why a refresh is wanted, which decides when it is still needed once the lease is free. */
export type RefreshTrigger =
  /** The cron: the token expires within the window, or the connection has not refreshed for the idle period. */
  | { kind: "due" }
  /** On demand: the token the caller holds (its tokenVersion) expired, or a call with it answered 401. */
  | { kind: "expired" | "unauthorized"; seenVersion: number };

export type RefreshOutcome =
  | { result: "refreshed"; tokenVersion: number }
  /** Someone else refreshed meanwhile: use the stored token. */
  | { result: "reused"; tokenVersion: number }
  | { result: "skipped"; reason: "leased" | "not_due" | "disconnected" }
  | { result: "failed"; category: ErrorCategory; message: string; needsReauth: boolean };

export interface RefreshOptions {
  db?: Db;
  /** Recorded in the activity log and audit entries: "cron", "system", "user:<email>"… */
  actor?: string;
  /** On demand: wait for another holder's refresh instead of skipping. */
  wait?: boolean;
  now?: () => Date;
  /** Pipeline options for the refresh call (tests shorten backoff). */
  call?: Omit<CallOptions, "db" | "classify">;
}

const HOUR = 3_600_000;

// The lease, the due list and the save are plain SQL: each is one round trip (a refresh run does
// thousands), and the due predicate is written once for the list and the lease alike.

/** A connection whose refresh token is worth using: OAuth, has one, and not waiting for the admin. */
const REFRESHABLE = Prisma.sql`"authType" = 'oauth2' AND "refreshable" AND NOT "needsReauth" AND "status" <> 'disconnected'`;

/**
 * A token refreshed this recently (and not expired) is fresh enough for the cron. Without this,
 * a run would refresh a one-hour token that another run renewed a moment ago — it still expires
 * "within the window". Ten minutes also absorbs clock differences between instances.
 */
export const FRESH_FOR_MS = 10 * 60_000;

/** Due for the cron: expires within the window, or idle past the idle period — and not just refreshed. */
export function dueSql(now: Date): Prisma.Sql {
  const cfg = config();
  const window = new Date(now.getTime() + cfg.TOKEN_REFRESH_WINDOW_HOURS * HOUR);
  const idle = new Date(now.getTime() - cfg.TOKEN_REFRESH_IDLE_HOURS * HOUR);
  const fresh = new Date(now.getTime() - FRESH_FOR_MS);
  return Prisma.sql`("lastRefreshedAt" IS NULL OR "expiresAt" <= ${now}
    OR ("lastRefreshedAt" < ${fresh} AND ("expiresAt" <= ${window} OR "lastRefreshedAt" <= ${idle})))`;
}

function stillNeeded(trigger: RefreshTrigger, now: Date): Prisma.Sql {
  return Prisma.sql`${REFRESHABLE} AND ${trigger.kind === "due" ? dueSql(now) : Prisma.sql`"tokenVersion" = ${trigger.seenVersion}`}`;
}

/**
 * Refreshes one connection's tokens, unless the lease or the trigger says not to. Never throws for
 * a provider failure: the outcome says what happened, and the connection row shows it.
 */
export async function refreshConnection(connectionId: string, trigger: RefreshTrigger, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  const db = options.db ?? (await getDb());
  const now = options.now ?? (() => new Date());
  // Two rounds at most: the lease holder finishes (or its lease expires) while we wait, then we look again.
  for (let round = 0; round < 2; round++) {
    const leased = await acquireLease(db, connectionId, stillNeeded(trigger, now()), now());
    if (leased) return refreshHolding(db, leased.lease, leased.connection, options, now);

    const row = await db.connection.findUnique({
      where: { id: connectionId },
      select: { status: true, needsReauth: true, refreshable: true, tokenVersion: true, refreshLeaseUntil: true, lastError: true },
    });
    if (!row || row.status === "disconnected") return { result: "skipped", reason: "disconnected" };
    if (trigger.kind !== "due" && row.tokenVersion !== trigger.seenVersion) return { result: "reused", tokenVersion: row.tokenVersion };
    if (row.needsReauth) return { result: "failed", category: "auth", message: row.lastError ?? "The provider no longer accepts the stored grant; reconnect", needsReauth: true };
    if (!row.refreshable) {
      if (trigger.kind === "due") return { result: "skipped", reason: "not_due" };
      return expireWithoutRefreshToken(db, connectionId, options.actor ?? "system", now());
    }
    const heldElsewhere = !!row.refreshLeaseUntil && row.refreshLeaseUntil.getTime() >= now().getTime();
    if (!heldElsewhere) return { result: "skipped", reason: "not_due" };
    if (!options.wait) return { result: "skipped", reason: "leased" };
    await waitForLease(db, connectionId, leaseDurationMs());
  }
  return { result: "skipped", reason: "leased" };
}

async function refreshHolding(db: Db, lease: Lease, row: LeasedConnection, options: RefreshOptions, now: () => Date): Promise<RefreshOutcome> {
  const actor = options.actor ?? "system";
  const owner = { workspaceId: row.workspaceId, connectionId: row.id };
  let resolved;
  let stored: StoredTokens | null;
  try {
    resolved = await resolveOAuth(requireOAuthProvider(row.providerId));
    stored = row.credential ? (unseal(row.credential, owner) as StoredTokens) : null;
  } catch (error) {
    // Not configured any more, or the credential cannot be decrypted: not the provider's fault,
    // and nothing a retry fixes. Say so on the connection; the grant itself may still be fine.
    const message = safeMessage((error as Error).message);
    await releaseLease(db, lease, { lastError: message, lastErrorCategory: "permanent" });
    return { result: "failed", category: "permanent", message, needsReauth: false };
  }
  const { module, client, manifest } = resolved;
  if (!stored?.accessToken || !stored.refreshToken || !module.refresh) {
    await releaseLease(db, lease, { refreshable: false });
    return expireWithoutRefreshToken(db, row.id, actor, now());
  }

  const refresh = module.refresh.bind(module);
  const current = stored;
  const result = await callProvider(
    { workspaceId: row.workspaceId, connectionId: row.id, providerId: row.providerId, operation: "token.refresh", actor },
    (signal) => refresh(client, current, signal),
    { ...options.call, db, classify: (error) => module.classifyError(error) },
  );

  if (result.ok) {
    const tokens = mergeTokens(result.value, current);
    const saved = await saveWhileHolding(db, lease, () => {
      const at = now();
      const sealed = seal(tokens, owner);
      const scopes = result.value.grantedScopes ? Prisma.sql`, "grantedScopes" = ${result.value.grantedScopes}` : Prisma.empty;
      // One statement, so atomic: the row changes and the new tokens are stored only while this
      // lease is held (and the connection was not disconnected meanwhile) — never one without the other.
      return db.$queryRaw<{ connectionId: string }[]>`
        WITH held AS (
          UPDATE "Connection" SET "expiresAt" = ${result.value.expiresAt}, "lastRefreshedAt" = ${at}, "tokenVersion" = "tokenVersion" + 1,
            "refreshable" = ${Boolean(tokens.refreshToken)}, "refreshLeaseId" = NULL, "refreshLeaseUntil" = NULL, "updatedAt" = ${at}${scopes}
          WHERE "id" = ${lease.connectionId} AND "refreshLeaseId" = ${lease.id} AND "status" <> 'disconnected'
          RETURNING "id"
        )
        UPDATE "Credential" SET "ciphertext" = ${sealed.ciphertext}, "keyId" = ${sealed.keyId}, "version" = ${sealed.version}, "updatedAt" = ${at}
        WHERE "connectionId" IN (SELECT "id" FROM held)
        RETURNING "connectionId"`;
    });
    if (!saved.length) {
      // Disconnected meanwhile (which frees the lease), or the refresh outlived its lease.
      logger.error("token refresh: lease lost before the new tokens were saved", { connectionId: row.id, providerId: row.providerId });
      return { result: "failed", category: "transient", message: "The connection changed while its tokens were being refreshed; the new tokens were not kept", needsReauth: false };
    }
    return { result: "refreshed", tokenVersion: row.tokenVersion + 1 };
  }

  if (result.category === "auth") {
    // invalid_grant, revoked, unauthorized client: only the admin can fix it. Once per lease,
    // so the event is raised once per transition.
    await db.$transaction(async (tx) => {
      await releaseLease(tx, lease, { status: "error", needsReauth: true, lastError: result.message, lastErrorCategory: "auth" });
      await emitEvent(tx, { workspaceId: row.workspaceId, type: "connection.needs_reauth", data: { providerId: row.providerId, connectionId: row.id, reason: result.message } });
      await recordAudit(tx, { workspaceId: row.workspaceId, actor, action: "integration.needs_reauth", target: row.providerId, details: { providerId: row.providerId, reason: result.message } });
    });
    return { result: "failed", category: "auth", message: result.message, needsReauth: true };
  }

  // Transient, rate limit, anything else: the pipeline already retried with backoff. A token that
  // still works is left alone (the next run tries again); one that has expired shows the error.
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= now().getTime();
  await releaseLease(db, lease, expired ? { status: "error" } : {});
  logger.warn("token refresh failed", { providerId: manifest.id, connectionId: row.id, category: result.category, attempts: result.attempts });
  return { result: "failed", category: result.category, message: result.message, needsReauth: false };
}

/**
 * Writes the new tokens, retried on a database hiccup: with rotating refresh tokens (X) the old
 * one is already spent, so losing the new one would kill the connection.
 */
async function saveWhileHolding<T>(db: Db, lease: Lease, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 3) throw error;
      logger.warn("token refresh: saving the new tokens failed; retrying", { connectionId: lease.connectionId, attempt, error });
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/**
 * A token that expired with no refresh token to renew it (LinkedIn without programmatic refresh):
 * the connection needs the admin. Conditional, so the event is raised once.
 */
async function expireWithoutRefreshToken(db: Db, connectionId: string, actor: string, now: Date): Promise<RefreshOutcome> {
  const message = "The access token expired and the provider issued no refresh token; reconnect to continue";
  const marked = await markNeedsReauth(db, { id: connectionId, refreshable: false, expiresAt: { lte: now } }, message, actor);
  if (!marked) return { result: "skipped", reason: "not_due" };
  return { result: "failed", category: "auth", message, needsReauth: true };
}

async function markNeedsReauth(db: Db, where: Prisma.ConnectionWhereInput, message: string, actor: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const target = await tx.connection.findFirst({ where: { AND: [where, { needsReauth: false, status: { not: "disconnected" } }] }, select: { id: true, workspaceId: true, providerId: true } });
    if (!target) return false;
    const marked = await tx.connection.updateMany({
      where: { id: target.id, needsReauth: false, status: { not: "disconnected" } },
      data: { status: "error", needsReauth: true, lastError: message, lastErrorCategory: "auth" },
    });
    if (marked.count !== 1) return false;
    await emitEvent(tx, { workspaceId: target.workspaceId, type: "connection.needs_reauth", data: { providerId: target.providerId, connectionId: target.id, reason: message } });
    await recordAudit(tx, { workspaceId: target.workspaceId, actor, action: "integration.needs_reauth", target: target.providerId, details: { providerId: target.providerId, reason: message } });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// The scheduled run

export interface RefreshCounts {
  processed: number;
  refreshed: number;
  failed: number;
  skipped: number;
}

export interface RefreshReport extends Omit<RefreshCounts, "failed"> {
  failed: { total: number; byCategory: Partial<Record<ErrorCategory, number>> };
  /** Connections that now need the admin to reconnect (refused grants, expired tokens without refresh token). */
  needsReauth: number;
  windowHours: number;
  idleHours: number;
  concurrency: number;
  durationMs: number;
  workspaces: Record<string, RefreshCounts>;
}

const PAGE = 500;

/**
 * Refreshes every due connection (bounded concurrency), and flags expired tokens that cannot be
 * refreshed. Safe to run concurrently with itself and with on-demand refreshes: the lease decides.
 */
export async function refreshDueTokens(options: RefreshOptions & { concurrency?: number } = {}): Promise<RefreshReport> {
  const db = options.db ?? (await getDb());
  const cfg = config();
  const started = performance.now();
  const concurrency = Math.max(1, options.concurrency ?? cfg.TOKEN_REFRESH_CONCURRENCY);
  const report: RefreshReport = {
    processed: 0,
    refreshed: 0,
    failed: { total: 0, byCategory: {} },
    skipped: 0,
    needsReauth: 0,
    windowHours: cfg.TOKEN_REFRESH_WINDOW_HOURS,
    idleHours: cfg.TOKEN_REFRESH_IDLE_HOURS,
    concurrency,
    durationMs: 0,
    workspaces: {},
  };
  const refreshOptions: RefreshOptions = { ...options, db, actor: options.actor ?? "cron", wait: false };
  const now = options.now ?? (() => new Date());

  // 1. Expired tokens that nothing can renew: Reconnect on the card now, not at the next call.
  const expired = await db.connection.findMany({
    where: { authType: "oauth2", refreshable: false, needsReauth: false, status: { not: "disconnected" }, expiresAt: { lte: now() } },
    select: { id: true, workspaceId: true },
  });
  for (const row of expired) {
    const outcome = await expireWithoutRefreshToken(db, row.id, refreshOptions.actor!, now());
    tally(outcome, row.workspaceId);
  }

  // 2. Due refreshable connections, a page at a time (keyset by id, so every row is visited once
  //    even when some stay due after a failure).
  let after = "";
  for (;;) {
    const at = now();
    const page = await db.$queryRaw<{ id: string; workspaceId: string; providerId: string }[]>`
      SELECT "id", "workspaceId", "providerId" FROM "Connection"
      WHERE ${REFRESHABLE} AND ${dueSql(at)} AND "id" > ${after} AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < ${at})
      ORDER BY "id" LIMIT ${PAGE}`;
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    const refreshable = page.filter((row) => getProvider(row.providerId)?.authType === "oauth2");
    await forEachConcurrently(refreshable, concurrency, async (row) => {
      let outcome: RefreshOutcome;
      try {
        outcome = await refreshConnection(row.id, { kind: "due" }, refreshOptions);
      } catch (error) {
        // A database error on one connection must not stop the run.
        logger.error("token refresh: unexpected failure", { connectionId: row.id, providerId: row.providerId, error });
        outcome = { result: "failed", category: "transient", message: "Unexpected failure", needsReauth: false };
      }
      tally(outcome, row.workspaceId);
    });
    if (page.length < PAGE) break;
  }

  report.durationMs = Math.round(performance.now() - started);
  return report;

  function tally(outcome: RefreshOutcome, workspaceId: string) {
    const workspace = (report.workspaces[workspaceId] ??= { processed: 0, refreshed: 0, failed: 0, skipped: 0 });
    report.processed += 1;
    workspace.processed += 1;
    if (outcome.result === "refreshed" || outcome.result === "reused") {
      report.refreshed += 1;
      workspace.refreshed += 1;
    } else if (outcome.result === "skipped") {
      report.skipped += 1;
      workspace.skipped += 1;
    } else {
      workspace.failed += 1;
      report.failed.total += 1;
      report.failed.byCategory[outcome.category] = (report.failed.byCategory[outcome.category] ?? 0) + 1;
      if (outcome.needsReauth) report.needsReauth += 1;
    }
  }
}
