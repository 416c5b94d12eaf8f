// The token lifecycle. Every refresh goes through one function — callForRefresh(), under a held
// lease — whether the cron route and the job CLI ask (refreshDueTokens) or a provider call finds
// its token expired or answered 401 (refreshConnection, from lib/connections/oauth/access.ts).
//
// No double refresh, ever: a refresh first takes the connection's lease (lib/connections/oauth/lease.ts) with a
// condition saying why it is still needed — "due" for the cron, "still on the token I saw" on
// demand. Whoever loses either finds the work done (reuses the new token) or waits for the holder.
// The new tokens and the row change are written in one statement, only while the lease is held.
//
// The scheduled run is bound by database round trips, not by the providers, so it does the same
// in bulk: one statement leases a batch of due connections (and reads their credentials), and one
// statement per group of finished refreshes stores their tokens together with the refresh calls'
// activity rows and usage counters (lib/connections/oauth/tokens.ts). Only the provider requests run one by one.
import { recordAudit } from "@/lib/audit";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { emitEvent } from "@/lib/events";
import { logger } from "@/lib/log";
import { Prisma } from "@/lib/generated/prisma/client";
import { providers } from "@/lib/integrations/registry";
import { acquireLease, acquireLeases, leaseDurationMs, releaseLease, renewLease, waitForLease, type Lease, type LeasedConnection } from "@/lib/connections/oauth/lease";
import { requireOAuthProvider, resolveOAuth, type ResolvedOAuth } from "@/lib/connections/oauth/setup";
import { mergeTokens, saveRefreshedTokens, type RefreshedTokens } from "@/lib/connections/oauth/tokens";
import type { StoredTokens } from "@/lib/integrations/kit/oauth";
import { callProvider, safeMessage, type CallOptions, type ErrorCategory } from "@/lib/pipeline";
import { acquireRatePermits, type RatePermit } from "@/lib/rate-limits";
import type { SuccessRecord } from "@/lib/pipeline/call";
import { unseal } from "@/lib/vault";

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

/** The refresh request's operation name in the activity log and the rate limits. */
const REFRESH_OPERATION = "token.refresh";

// The leases and the save are plain SQL, one statement for a whole batch (a refresh run does
// thousands), and the due predicate is written once for the batch lease and the single one alike.

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
    if (leased) {
      const prepared = await prepareRefresh(db, leased.lease, leased.connection, options, now);
      if ("finish" in prepared) return prepared.finish();
      return (await callForRefresh(db, prepared, options, now, { save: (refresh) => saveOne(db, refresh, now) }))();
    }

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

/** Stores a finished refresh while its lease is held; false when the lease was lost meanwhile. */
type SaveRefresh = (refresh: RefreshedTokens) => Promise<boolean>;

/** The rest of a refresh once the provider has answered: its writes, and the outcome. */
type FinishRefresh = () => Promise<RefreshOutcome>;

/** A leased connection ready for its refresh request: the provider's module and the stored tokens. */
interface ReadyRefresh {
  lease: Lease;
  row: LeasedConnection;
  resolved: ResolvedOAuth;
  stored: StoredTokens & { refreshToken: string };
}

/**
 * The checks before a refresh request, under a held lease: the provider is configured, the stored
 * tokens decrypt and include a refresh token. When they fail, what remains is to finish.
 */
async function prepareRefresh(db: Db, lease: Lease, row: LeasedConnection, options: RefreshOptions, now: () => Date): Promise<ReadyRefresh | { finish: FinishRefresh }> {
  const owner = { workspaceId: row.workspaceId, connectionId: row.id };
  let resolved: ResolvedOAuth;
  let stored: StoredTokens | null;
  try {
    resolved = await resolveOAuth(requireOAuthProvider(row.providerId));
    stored = row.credential ? (unseal(row.credential, owner) as StoredTokens) : null;
  } catch (error) {
    // Not configured any more, or the credential cannot be decrypted: not the provider's fault,
    // and nothing a retry fixes. Say so on the connection; the grant itself may still be fine.
    const message = safeMessage((error as Error).message);
    return {
      finish: async () => {
        await releaseLease(db, lease, { lastError: message, lastErrorCategory: "permanent" });
        return { result: "failed", category: "permanent", message, needsReauth: false };
      },
    };
  }
  if (!stored?.accessToken || !stored.refreshToken || !resolved.module.refresh) {
    return {
      finish: async () => {
        await releaseLease(db, lease, { refreshable: false });
        return expireWithoutRefreshToken(db, row.id, options.actor ?? "system", now());
      },
    };
  }
  return { lease, row, resolved, stored: stored as ReadyRefresh["stored"] };
}

/**
 * The refresh request, through the pipeline — the part that counts against a run's concurrency.
 * Returns what remains (the database writes), which a batch runs after freeing its slot for the
 * next request. `save` stores the new tokens (at once, or with others); `permit`: the rate permit
 * a batch took for this request.
 */
async function callForRefresh(
  db: Db,
  ready: ReadyRefresh,
  options: RefreshOptions,
  now: () => Date,
  { save, permit }: { save: SaveRefresh; permit?: RatePermit },
): Promise<FinishRefresh> {
  const { lease, row, stored } = ready;
  const { module, client, manifest } = ready.resolved;
  const actor = options.actor ?? "system";
  const owner = { workspaceId: row.workspaceId, connectionId: row.id };
  const refresh = module.refresh!.bind(module);
  // On a circuit read closed with the lease, the pipeline skips its own breaker read and leaves a
  // success's activity row and usage counters to the save below, which writes them in its statement.
  let call: SuccessRecord | undefined;
  const batched: CallOptions["batched"] =
    row.circuitState === "closed" ? { circuitClosed: true, ...(permit ? { firstPermit: permit } : {}), recordSuccess: (record) => (call = record) } : undefined;
  const result = await callProvider(
    { workspaceId: row.workspaceId, connectionId: row.id, providerId: row.providerId, operation: REFRESH_OPERATION, actor },
    (signal) => refresh(client, stored, signal),
    { ...options.call, db, classify: (error) => module.classifyError(error), batched },
  );

  if (result.ok) {
    return async () => {
      const tokens = mergeTokens(result.value, stored);
      const saved = await save({ lease, owner, tokens, expiresAt: result.value.expiresAt, grantedScopes: result.value.grantedScopes, call });
      if (!saved) {
        // Disconnected meanwhile (which frees the lease), or the refresh outlived its lease.
        logger.error("token refresh: lease lost before the new tokens were saved", { connectionId: row.id, providerId: row.providerId });
        return {
          result: "failed",
          category: "transient",
          message: "The connection changed while its tokens were being refreshed; the new tokens were not kept",
          needsReauth: false,
        };
      }
      return { result: "refreshed", tokenVersion: row.tokenVersion + 1 };
    };
  }

  if (result.category === "auth") {
    // invalid_grant, revoked, unauthorized client: only the admin can fix it. Once per lease,
    // so the event is raised once per transition.
    return async () => {
      await db.$transaction(async (tx) => {
        await releaseLease(tx, lease, { status: "error", needsReauth: true, lastError: result.message, lastErrorCategory: "auth" });
        await emitEvent(tx, { workspaceId: row.workspaceId, type: "connection.needs_reauth", data: { providerId: row.providerId, connectionId: row.id, reason: result.message } });
        await recordAudit(tx, {
          workspaceId: row.workspaceId,
          actor,
          action: "integration.needs_reauth",
          target: row.providerId,
          details: { providerId: row.providerId, reason: result.message },
        });
      });
      return { result: "failed", category: "auth", message: result.message, needsReauth: true };
    };
  }

  // Transient, rate limit, anything else: the pipeline already retried with backoff. A token that
  // still works is left alone (the next run tries again); one that has expired shows the error.
  return async () => {
    const expired = row.expiresAt !== null && row.expiresAt.getTime() <= now().getTime();
    await releaseLease(db, lease, expired ? { status: "error" } : {});
    logger.warn("token refresh failed", { providerId: manifest.id, connectionId: row.id, category: result.category, attempts: result.attempts });
    return { result: "failed", category: result.category, message: result.message, needsReauth: false };
  };
}

/**
 * Writes new tokens, retried on a database hiccup: with rotating refresh tokens (X) the old ones
 * are already spent, so losing the new ones would kill the connections. The statement is atomic,
 * so a retry never writes anything twice.
 */
async function saveWithRetry(db: Db, refreshes: RefreshedTokens[], now: () => Date): Promise<Set<string>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await saveRefreshedTokens(db, refreshes, now());
    } catch (error) {
      if (attempt >= 3) throw error;
      logger.warn("token refresh: saving the new tokens failed; retrying", { connectionIds: refreshes.map((r) => r.lease.connectionId), attempt, error });
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

async function saveOne(db: Db, refresh: RefreshedTokens, now: () => Date): Promise<boolean> {
  return (await saveWithRetry(db, [refresh], now)).has(refresh.lease.connectionId);
}

/**
 * Group commit for a run's finished refreshes: one statement stores the refreshes that finished
 * together — as soon as `fill` of them are waiting, or `waitMs` after the first, whichever comes
 * first — with one statement at a time. Every statement costs the run a few milliseconds of CPU
 * whatever its size, and new tokens wait a few milliseconds more at most.
 */
class RefreshSaver {
  private pending: { refresh: RefreshedTokens; resolve: (saved: boolean) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly fill: number,
    private readonly waitMs = SAVE_WAIT_MS,
  ) {}

  save: SaveRefresh = (refresh) =>
    new Promise<boolean>((resolve, reject) => {
      this.pending.push({ refresh, resolve, reject });
      this.schedule();
    });

  private schedule() {
    if (this.writing || !this.pending.length) return;
    if (this.pending.length >= this.fill) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.write();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (!this.writing) void this.write();
      }, this.waitMs);
    }
  }

  private async write() {
    this.writing = true;
    const chunk = this.pending.splice(0, SAVE_CHUNK);
    try {
      const saved = await saveWithRetry(
        this.db,
        chunk.map((p) => p.refresh),
        this.now,
      );
      for (const p of chunk) p.resolve(saved.has(p.refresh.lease.connectionId));
    } catch (error) {
      for (const p of chunk) p.reject(error);
    } finally {
      this.writing = false;
      this.schedule();
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
    const target = await tx.connection.findFirst({
      where: { AND: [where, { needsReauth: false, status: { not: "disconnected" } }] },
      select: { id: true, workspaceId: true, providerId: true },
    });
    if (!target) return false;
    const marked = await tx.connection.updateMany({
      where: { id: target.id, needsReauth: false, status: { not: "disconnected" } },
      data: { status: "error", needsReauth: true, lastError: message, lastErrorCategory: "auth" },
    });
    if (marked.count !== 1) return false;
    await emitEvent(tx, { workspaceId: target.workspaceId, type: "connection.needs_reauth", data: { providerId: target.providerId, connectionId: target.id, reason: message } });
    await recordAudit(tx, {
      workspaceId: target.workspaceId,
      actor,
      action: "integration.needs_reauth",
      target: target.providerId,
      details: { providerId: target.providerId, reason: message },
    });
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

/** At most this many finished refreshes per save statement. */
const SAVE_CHUNK = 200;

/** How long a finished refresh waits for others to be saved with (unless enough are waiting already). */
const SAVE_WAIT_MS = 25;

/**
 * A leased connection that waited longer than this for its turn gets its lease renewed before the
 * request: the lease's term covers the longest refresh call plus this much (leaseDurationMs).
 */
const QUEUE_GRACE_MS = 10_000;

/** The registry's OAuth providers: only their connections are leased. */
const oauthProviderIds = () => providers.filter((p) => p.authType === "oauth2").map((p) => p.id);

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

  // 2. Due refreshable connections, leased a batch at a time — the next batch while this one's
  //    requests run — in id order (keyset), so every row is visited once even when some stay due
  //    after a failure. (A row locked by another writer at that instant is skipped, not waited
  //    for: the keyset moves past it, and the next run or an on-demand refresh takes it.)
  //    `concurrency` workers send the requests; the writes that follow a request happen outside
  //    the worker, which moves on to the next request.
  const saver = new RefreshSaver(db, now, concurrency);
  const providerIds = oauthProviderIds();
  const queue: { ready: ReadyRefresh; permit?: RatePermit }[] = [];
  const finishing = new Set<Promise<void>>();
  // Two rounds of requests per batch.
  const batchSize = Math.max(16, 2 * concurrency);
  let after = "";
  let exhausted = false;
  let leaseError: unknown;
  let leasing: Promise<void> | undefined;
  const leaseMore = () =>
    (leasing ??= (async () => {
      const at = now();
      // Paused connections are left alone (their batched calls skip the pipeline's pause check).
      const batch = await acquireLeases(db, Prisma.sql`${REFRESHABLE} AND "pausedAt" IS NULL AND "providerId" = ANY(${providerIds}) AND ${dueSql(at)}`, {
        limit: batchSize,
        after,
        now: at,
      });
      if (batch.length < batchSize) exhausted = true;
      if (batch.length) after = batch[batch.length - 1]!.connection.id;
      const ready: ReadyRefresh[] = [];
      for (const { lease, connection } of batch) {
        const prepared = await prepareRefresh(db, lease, connection, refreshOptions, now);
        if ("finish" in prepared) finishLater(prepared.finish, connection);
        else ready.push(prepared);
      }
      // The batch's rate permits in one statement. A circuit that is not closed gets its permit
      // from the pipeline, after the breaker lets the request through.
      const closed = ready.filter((r) => r.row.circuitState === "closed");
      let permits: RatePermit[] = [];
      try {
        permits = await acquireRatePermits(
          db,
          closed.map((r) => ({ workspaceId: r.row.workspaceId, providerId: r.row.providerId, operation: REFRESH_OPERATION })),
          now(),
        );
      } catch (error) {
        logger.warn("token refresh: taking the batch's rate permits failed; each request takes its own", { error });
      }
      const permitOf = new Map(closed.map((r, i) => [r, permits[i]]));
      queue.push(...ready.map((r) => ({ ready: r, permit: permitOf.get(r) })));
    })()
      .catch((error) => {
        // Stops the run (after the refreshes under way); the connections not leased stay due.
        leaseError ??= error;
        exhausted = true;
      })
      .finally(() => (leasing = undefined)));

  const finishLater = (finish: FinishRefresh, row: LeasedConnection) => {
    const finished = finish().then(
      (outcome) => tally(outcome, row.workspaceId),
      (error) => unexpected(error, row),
    );
    finishing.add(finished);
    void finished.finally(() => finishing.delete(finished));
  };

  const refreshLeased = async ({ ready, permit }: { ready: ReadyRefresh; permit?: RatePermit }) => {
    const { lease, row } = ready;
    let finish: FinishRefresh;
    try {
      // Waited long enough in the queue to eat into the request's time: a full term first.
      if (lease.until.getTime() - now().getTime() < leaseDurationMs() - QUEUE_GRACE_MS && !(await renewLease(db, lease, now()))) {
        tally({ result: "skipped", reason: "leased" }, row.workspaceId);
        return;
      }
      finish = await callForRefresh(db, ready, refreshOptions, now, { save: saver.save, permit });
    } catch (error) {
      unexpected(error, row);
      return;
    }
    finishLater(finish, row);
  };

  const worker = async () => {
    for (;;) {
      // Lease the next batch while this one still has two rounds of requests to go.
      if (queue.length < batchSize && !exhausted) void leaseMore();
      const next = queue.shift();
      if (next) {
        await refreshLeased(next);
        continue;
      }
      if (leasing) await leasing;
      else if (exhausted) return;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  while (finishing.size) await Promise.all(finishing);
  if (leaseError) throw leaseError;

  report.durationMs = Math.round(performance.now() - started);
  return report;

  function unexpected(error: unknown, row: LeasedConnection) {
    // A database error on one connection must not stop the run.
    logger.error("token refresh: unexpected failure", { connectionId: row.id, providerId: row.providerId, error });
    tally({ result: "failed", category: "transient", message: "Unexpected failure", needsReauth: false }, row.workspaceId);
  }

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
