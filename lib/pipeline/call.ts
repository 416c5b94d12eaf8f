// The one road every provider call takes: circuit breaker check, the provider's rate limit,
// per-attempt timeout, error classification, retries with backoff (or the provider's
// Retry-After), then one activity row and the connection's usage counters, health and breaker
// state — written together in one transaction (or, for a caller that batches many calls' writes,
// handed to it: CallOptions.batched).
// Provider failures never throw from here: callers get a result they can show ("graceful fail").
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger, redactText } from "@/lib/log";
import { retryDelay } from "@/lib/pipeline/backoff";
import { acquirePermit, breakerStatements, type BreakerSettings } from "@/lib/pipeline/breaker";
import { CATEGORY_POLICY, ProviderError, classifyError, type ErrorCategory } from "@/lib/integrations/kit/errors";
import { getProvider } from "@/lib/integrations/registry";
import { acquireRatePermit, type RatePermit } from "@/lib/rate-limits";

export type CallResult<T> =
  | { ok: true; value: T; durationMs: number; attempts: number }
  | {
      ok: false;
      category: ErrorCategory;
      /** Redacted, at most MESSAGE_MAX_LENGTH characters: safe to show and to store. */
      message: string;
      gracefulFail: true;
      statusCode?: number;
      durationMs: number;
      /** Requests made; 0 when the circuit was open and the provider was not called. */
      attempts: number;
      /** Set when nothing was sent because an admin paused the connection. */
      paused?: true;
      /** When trying again makes sense: the end of Plugboard's own rate-limit window, the circuit's cooldown, or the provider's Retry-After. */
      retryAfterMs?: number;
    };

export interface CallContext {
  workspaceId: string;
  /** The connection whose usage, health and breaker this call updates (none for e.g. a pre-connect key test). */
  connectionId?: string | null;
  providerId: string;
  /** What was called, e.g. "balance.retrieve"; shown in the activity log. */
  operation: string;
  /** Who caused the call: "user:<email>", "cron", "system"… */
  actor: string;
}

export interface CallOptions {
  timeoutMs?: number;
  /** Total attempts including the first (at least 1). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  jitter?: number;
  failureThreshold?: number;
  cooldownMs?: number;
  classify?: (error: unknown) => ProviderError;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
  db?: Db;
  /**
   * For a caller that runs many calls and writes their records in a few statements (the token
   * refresh run, lib/connections/oauth/refresh.ts). `circuitClosed`: it read the connection's circuit closed
   * a moment ago (with the row it leased), so the breaker is not read again. `firstPermit`: the
   * rate permit for the first attempt, taken with others in one statement. `recordSuccess`: a
   * success's records (activity row, usage counters, health, breaker reset) are handed to it to
   * write, instead of being written here; failures are written here as usual.
   */
  batched?: { circuitClosed: true; firstPermit?: RatePermit; recordSuccess?: (record: SuccessRecord) => void };
}

/** What callProvider writes for a successful call on a closed circuit, handed to a batching caller instead. */
export interface SuccessRecord {
  ctx: CallContext;
  durationMs: number;
  attempts: number;
  /** When the call ended. */
  at: Date;
}

export const MESSAGE_MAX_LENGTH = 500;

/** Thrown into `fn`'s signal (and raced against it) when an attempt runs past timeoutMs. */
export class CallTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Safe for storage and display: credentials masked, length bounded. */
export function safeMessage(message: string): string {
  return redactText(message).slice(0, MESSAGE_MAX_LENGTH);
}

/**
 * Runs `fn` against a provider through the pipeline. `fn` gets an AbortSignal that fires on
 * timeout; pass it to fetch / the SDK so the request is really cancelled.
 */
export async function callProvider<T>(ctx: CallContext, fn: (signal: AbortSignal) => Promise<T>, options: CallOptions = {}): Promise<CallResult<T>> {
  const cfg = config();
  const timeoutMs = options.timeoutMs ?? cfg.PIPELINE_TIMEOUT_MS;
  const backoff = {
    baseMs: options.backoffBaseMs ?? cfg.PIPELINE_BACKOFF_BASE_MS,
    capMs: options.backoffCapMs ?? cfg.PIPELINE_BACKOFF_CAP_MS,
    jitter: options.jitter ?? cfg.PIPELINE_BACKOFF_JITTER,
    random: options.random,
  };
  const breaker: BreakerSettings = {
    failureThreshold: options.failureThreshold ?? cfg.CIRCUIT_FAILURE_THRESHOLD,
    cooldownMs: options.cooldownMs ?? cfg.CIRCUIT_COOLDOWN_MS,
    // A probe is a single attempt bounded by the timeout; never let a second probe start while
    // the first may still be running.
    probeLeaseMs: Math.max(options.cooldownMs ?? cfg.CIRCUIT_COOLDOWN_MS, timeoutMs),
  };
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? (() => new Date());
  const db = options.db ?? (await getDb());
  const connectionId = ctx.connectionId ?? null;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // 1. Breaker: an open circuit answers at once, without touching the provider.
  let probe = false;
  if (connectionId && !options.batched?.circuitClosed) {
    const decision = await acquirePermit(db, connectionId, breaker, now());
    if (!decision.allowed && decision.state === "paused") {
      // Not a failure of the provider or the connection: nothing is recorded, nothing is sent.
      const message = `${getProvider(ctx.providerId)?.name ?? ctx.providerId} is paused (since ${decision.pausedAt.toISOString()}): resume it on the Integrations page to call it again`;
      return { ok: false, category: "permanent", message, gracefulFail: true, durationMs: elapsed(), attempts: 0, paused: true };
    }
    if (!decision.allowed) {
      const message = `Circuit open for ${ctx.providerId}: ${decision.consecutiveFailures} consecutive failures; next try after ${decision.retryAt.toISOString()}`;
      return refuse(db, ctx, "transient", message, elapsed(), decision.retryAt.getTime() - now().getTime());
    }
    probe = decision.probe;
  }

  // 2. Rate limit: every request needs a permit from the provider's quota, counted in the
  //    database so all instances share it. A refusal answers at once, without calling the
  //    provider. (A refused half-open probe leaves the circuit half-open until its lease ends.)
  const permit = () => acquireRatePermit(db, ctx, now());
  const first = options.batched?.firstPermit ?? (await permit());
  if (!first.allowed) return refuse(db, ctx, "rate_limit", first.message, elapsed(), first.retryAt.getTime() - now().getTime());

  // 3. Attempts. The half-open probe gets exactly one request: it is a test of the provider, and
  //    retrying it would send several requests to a provider we believe is down.
  const maxAttempts = probe ? 1 : Math.max(1, Math.floor(options.maxAttempts ?? cfg.PIPELINE_MAX_ATTEMPTS));
  let attempts = 0;
  let outcome: { ok: true; value: T } | { ok: false; error: ProviderError };
  for (;;) {
    attempts += 1;
    try {
      outcome = { ok: true, value: await attemptWithTimeout(fn, timeoutMs) };
      break;
    } catch (error) {
      const classified = classify(error, options.classify);
      outcome = { ok: false, error: classified };
      if (!CATEGORY_POLICY[classified.category].retryable || attempts >= maxAttempts) break;
      await sleep(retryDelay(attempts, classified.retryAfterMs, backoff));
      // A retry is another request against the quota; without a permit the last failure stands.
      if (!(await permit()).allowed) break;
    }
  }
  const durationMs = elapsed();
  const at = now();

  // 4. Bookkeeping, in one transaction.
  if (outcome.ok) {
    const recordSuccess = options.batched?.recordSuccess;
    if (recordSuccess && connectionId && !probe) {
      recordSuccess({ ctx, durationMs, attempts, at });
      return { ok: true, value: outcome.value, durationMs, attempts };
    }
    const statements: Prisma.PrismaPromise<unknown>[] = [db.integrationActivity.create({ data: { ...activityBase(ctx), outcome: "success", durationMs, attempts } })];
    if (connectionId) statements.push(...successStatements(db, connectionId, at), ...breakerStatements(db, connectionId, { success: true, counted: false, probe }, breaker, at));
    await persist(db, statements);
    return { ok: true, value: outcome.value, durationMs, attempts };
  }

  const { error } = outcome;
  const policy = CATEGORY_POLICY[error.category];
  const message = safeMessage(error.message);
  const statements: Prisma.PrismaPromise<unknown>[] = [
    db.integrationActivity.create({
      data: { ...activityBase(ctx), outcome: "failure", errorCategory: error.category, durationMs, attempts, statusCode: error.statusCode ?? null, message },
    }),
  ];
  if (connectionId) {
    statements.push(
      ...failureStatements(db, connectionId, error.category, message, at),
      ...breakerStatements(db, connectionId, { success: false, counted: policy.countsTowardBreaker, probe }, breaker, at),
    );
  }
  await persist(db, statements);
  logger.debug("provider call failed", { providerId: ctx.providerId, operation: ctx.operation, category: error.category, attempts, statusCode: error.statusCode });
  return {
    ok: false,
    category: error.category,
    message,
    gracefulFail: true,
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    durationMs,
    attempts,
  };
}

/** The value of a successful call, or a ProviderError for callers that prefer exceptions. */
export function unwrap<T>(result: CallResult<T>): T {
  if (result.ok) return result.value;
  throw new ProviderError(result.message, { category: result.category, statusCode: result.statusCode });
}

/** One attempt: `fn` with an AbortSignal, raced against the timeout so a `fn` that ignores the signal still stops. */
async function attemptWithTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CallTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  // Promise.resolve().then: a synchronous throw in fn becomes a rejection like any other.
  const work = Promise.resolve().then(() => fn(controller.signal));
  // The loser of the race may reject later; nobody awaits it, so keep it from being "unhandled".
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Our own timeout is always transient; anything else goes to the adapter's classifier, then the generic one. */
function classify(error: unknown, custom: CallOptions["classify"]): ProviderError {
  if (error instanceof CallTimeoutError) return new ProviderError(error.message, { category: "transient", cause: error });
  if (custom) {
    try {
      const classified = custom(error);
      if (classified instanceof ProviderError) return classified;
    } catch (classifyFailure) {
      logger.warn("custom error classifier threw; using the generic one", { error: classifyFailure });
    }
  }
  return classifyError(error);
}

/** A call answered without reaching the provider (open circuit, rate limit): one activity row, a graceful result. */
async function refuse(db: Db, ctx: CallContext, category: ErrorCategory, message: string, durationMs: number, retryAfterMs: number): Promise<CallResult<never>> {
  await persist(db, [db.integrationActivity.create({ data: { ...activityBase(ctx), outcome: "short_circuit", errorCategory: category, durationMs, attempts: 0, message } })]);
  return { ok: false, category, message, gracefulFail: true, durationMs, attempts: 0, retryAfterMs: Math.max(0, retryAfterMs) };
}

function activityBase(ctx: CallContext) {
  return { workspaceId: ctx.workspaceId, connectionId: ctx.connectionId ?? null, providerId: ctx.providerId, operation: ctx.operation, actor: ctx.actor };
}

function successStatements(db: Db, id: string, at: Date): Prisma.PrismaPromise<unknown>[] {
  return [
    db.connection.updateMany({ where: { id }, data: { callCount: { increment: 1 }, lastCallAt: at } }),
    // An `error` status caused by a passing problem heals on the next success. Must run before the
    // statement below, which clears the category it checks. `disconnected` and auth problems stay.
    db.connection.updateMany({
      where: { id, status: "error", needsReauth: false, lastErrorCategory: { in: ["transient", "rate_limit"] } },
      data: { status: "connected" },
    }),
    // A connection that needs re-authorisation keeps its error until the user reconnects.
    db.connection.updateMany({ where: { id, needsReauth: false }, data: { lastError: null, lastErrorCategory: null } }),
  ];
}

function failureStatements(db: Db, id: string, category: ErrorCategory, message: string, at: Date): Prisma.PrismaPromise<unknown>[] {
  const statements: Prisma.PrismaPromise<unknown>[] = [
    db.connection.updateMany({
      where: { id },
      data: { callCount: { increment: 1 }, errorCount: { increment: 1 }, lastCallAt: at, lastError: message, lastErrorCategory: category },
    }),
  ];
  if (CATEGORY_POLICY[category].marksReauth) {
    // A rejected credential: the card shows "Reconnect". A disconnected connection stays disconnected.
    statements.push(db.connection.updateMany({ where: { id, status: { not: "disconnected" } }, data: { status: "error", needsReauth: true } }));
  }
  return statements;
}

/**
 * Writes the call's records. A failure here is logged, not thrown: the provider call already
 * happened (an email may have been sent), and reporting it as failed would invite a duplicate.
 */
async function persist(db: Db, statements: Prisma.PrismaPromise<unknown>[]): Promise<void> {
  try {
    await db.$transaction(statements);
  } catch (error) {
    logger.error("could not record provider call", { error });
  }
}
