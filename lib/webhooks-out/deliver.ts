// The delivery engine, shared by the after-response run, GET /api/cron/webhooks and
// `npm run job:deliver-webhooks`. It claims due deliveries with one UPDATE … FOR UPDATE SKIP
// LOCKED that stamps them with a lease and a claim token, so concurrent runs (several instances,
// an overlapping cron) never send the same attempt twice; a run that dies mid-way leaves its rows
// to be claimed again when the lease ends. Each attempt is logged, then the delivery is finished
// or rescheduled, and the endpoint's health updated. A message fails only once its whole retry
// schedule has; an endpoint the run disables (or that answers 410) gets no more attempts from the
// run, and the rows the run holds for it go back to waiting. Clock, DNS resolver, URL policy and
// jitter are injectable for tests.
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { forEachConcurrently } from "@/lib/concurrency";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log";
import { safeMessage } from "@/lib/pipeline/call";
import { disableEndpoint, GONE_REASON, noteFailure, noteSuccesses } from "@/lib/webhooks-out/health";
import { retryDelayAfter } from "@/lib/webhooks-out/schedule";
import { readEndpointSecrets, signingSecrets, type EndpointSecrets } from "@/lib/webhooks-out/secrets";
import { postWebhook, type WebhookResponse } from "@/lib/webhooks-out/send";
import { signatureHeaders } from "@/lib/webhooks-out/signing";
import type { DeliveryFilter } from "@/lib/webhooks-out/trigger";
import { configuredUrlPolicy, systemResolver, type Resolver, type UrlPolicy } from "@/lib/http/url-rules";

export const USER_AGENT = "Plugboard-Webhooks/1.0";
/** How long a claim holds: well past one attempt's timeout, so only a dead run's rows expire. */
export const CLAIM_LEASE_MS = 5 * 60_000;
const DEFAULT_BUDGET_MS = 50_000;

export interface DeliveryOptions extends DeliveryFilter {
  db?: Db;
  now?: () => Date;
  resolver?: Resolver;
  policy?: UrlPolicy;
  random?: () => number;
  timeoutMs?: number;
  concurrency?: number;
  /** Rows claimed at a time. */
  batchSize?: number;
  /** Stop claiming new rows after this much (real) time; what is claimed is finished. */
  budgetMs?: number;
  /** After the run, wait for a retry that falls due within this many ms and run again (after-response runs). */
  followUpWithinMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryReport {
  /** Attempts made. */
  attempted: number;
  succeeded: number;
  failed: number;
  /** Deliveries that used their last attempt and failed for good. */
  gaveUp: number;
  endpointsDisabled: number;
  durationMs: number;
}

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  attemptCount: number;
  retryStep: number;
  claimToken: string;
  type: string;
  payload: string;
}

interface LoadedEndpoint {
  id: string;
  url: string;
  status: string;
  previousSecretExpiresAt: Date | null;
  secrets: EndpointSecrets | null;
  /** Why the secrets could not be read. */
  secretError?: string;
}

const iso = (d: Date) => d.toISOString();

/** The SQL for a filter (null: it matches nothing), plus endpoints left out (the ones a run has stopped). */
function filterSql(filter: DeliveryFilter, skipEndpointIds: readonly string[] = []): Prisma.Sql | null {
  const parts: Prisma.Sql[] = [];
  if (skipEndpointIds.length) parts.push(Prisma.sql`AND d."endpointId" NOT IN (${Prisma.join(skipEndpointIds)})`);
  for (const [column, ids] of [
    ["eventId", filter.eventIds],
    ["id", filter.deliveryIds],
    ["endpointId", filter.endpointIds],
  ] as const) {
    if (!ids) continue;
    if (!ids.length) return null;
    parts.push(Prisma.sql`AND d.${Prisma.raw(`"${column}"`)} IN (${Prisma.join(ids)})`);
  }
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

/**
 * Claims up to `limit` due deliveries of active endpoints (but those in `skipEndpointIds`): one
 * statement that locks the rows it picks (skipping rows another run holds) and stamps them with a
 * lease and this claim's token.
 */
export async function claimDueDeliveries(
  db: Db,
  now: Date,
  limit: number,
  filter: DeliveryFilter = {},
  leaseMs = CLAIM_LEASE_MS,
  skipEndpointIds: readonly string[] = [],
): Promise<ClaimedDelivery[]> {
  const extra = filterSql(filter, skipEndpointIds);
  if (!extra) return [];
  const token = crypto.randomUUID();
  const size = Prisma.raw(String(Math.max(1, Math.floor(limit))));
  return db.$queryRaw<ClaimedDelivery[]>`
    UPDATE "WebhookDelivery" AS t
    SET "lockedUntil" = ${iso(new Date(now.getTime() + leaseMs))}::timestamp, "claimToken" = ${token}
    FROM "WebhookEvent" AS ev
    WHERE ev.id = t."eventId" AND t.id IN (
      SELECT d.id FROM "WebhookDelivery" AS d
      JOIN "WebhookEndpoint" AS e ON e.id = d."endpointId"
      WHERE d.status = 'pending' AND e.status = 'active'
        AND d."nextAttemptAt" <= ${iso(now)}::timestamp
        AND (d."lockedUntil" IS NULL OR d."lockedUntil" <= ${iso(now)}::timestamp)
        ${extra}
      ORDER BY d."nextAttemptAt"
      LIMIT ${size}
      FOR UPDATE OF d SKIP LOCKED
    )
    RETURNING t.id, t."endpointId", t."eventId", t."attemptCount", t."retryStep", t."claimToken", ev.type, ev.payload`;
}

async function loadEndpoints(db: Db, ids: string[], into: Map<string, LoadedEndpoint>): Promise<void> {
  const missing = ids.filter((id) => !into.has(id));
  if (!missing.length) return;
  const rows = await db.webhookEndpoint.findMany({
    where: { id: { in: missing } },
    select: { id: true, workspaceId: true, url: true, status: true, previousSecretExpiresAt: true, secretCiphertext: true, secretKeyId: true },
  });
  for (const row of rows) {
    let secrets: EndpointSecrets | null = null;
    let secretError: string | undefined;
    try {
      secrets = await readEndpointSecrets(db, row);
    } catch {
      secretError = "The endpoint's signing secret cannot be decrypted (was the encryption key changed?); rotate the secret";
    }
    into.set(row.id, { id: row.id, url: row.url, status: row.status, previousSecretExpiresAt: row.previousSecretExpiresAt, secrets, ...(secretError ? { secretError } : {}) });
  }
}

/**
 * Runs database work one piece at a time. Requests go out concurrently, but their bookkeeping
 * is serialised: the embedded database serves one session, and its socket server can interleave
 * the protocol messages of concurrent statements, so one run never issues two at once.
 */
function serialLane(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

interface AttemptOutcome {
  claimed: ClaimedDelivery;
  startedAt: Date;
  finishedAt: Date;
  result: WebhookResponse;
  /** Wait before the next attempt; null when there is none. */
  delay: number | null;
  error: string | null;
}

interface Engine {
  lane: ReturnType<typeof serialLane>;
  db: Db;
  now: () => Date;
  resolver: Resolver;
  policy: UrlPolicy;
  random: () => number;
  timeoutMs: number;
  endpoints: Map<string, LoadedEndpoint>;
  /**
   * Endpoints this run sends nothing more to: it disabled them, or one answered 410 (disabled as
   * soon as that outcome is written). Their rows are not claimed again by the run, and rows already
   * claimed go back to waiting.
   */
  stopped: Set<string>;
  report: DeliveryReport;
  /** Outcomes waiting to be written. */
  unwritten: AttemptOutcome[];
  writing: Promise<void> | null;
}

async function release(db: Db, claimed: ClaimedDelivery): Promise<void> {
  await db.webhookDelivery.updateMany({ where: { id: claimed.id, claimToken: claimed.claimToken }, data: { lockedUntil: null, claimToken: null } });
}

async function send(engine: Engine, claimed: ClaimedDelivery, endpoint: LoadedEndpoint, startedAt: Date): Promise<WebhookResponse> {
  if (!endpoint.secrets) return { ok: false, error: endpoint.secretError, durationMs: 0 };
  const message = { id: claimed.eventId, timestamp: Math.floor(startedAt.getTime() / 1000), body: claimed.payload };
  const headers = {
    ...endpoint.secrets.headers,
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    ...signatureHeaders(signingSecrets(endpoint.secrets, endpoint.previousSecretExpiresAt, startedAt), message, claimed.type),
  };
  return postWebhook({ url: endpoint.url, body: claimed.payload, headers, timeoutMs: engine.timeoutMs, policy: engine.policy, resolver: engine.resolver });
}

async function deliverOne(engine: Engine, claimed: ClaimedDelivery): Promise<void> {
  const endpoint = engine.endpoints.get(claimed.endpointId);
  // Paused or disabled since the claim (possibly by this very run): not sent, and back to waiting
  // (unclaimed, still pending), so it goes out as soon as the endpoint is active again.
  if (!endpoint || endpoint.status !== "active" || engine.stopped.has(endpoint.id)) return engine.lane(() => release(engine.db, claimed));

  const startedAt = engine.now();
  const result = await send(engine, claimed, endpoint, startedAt);
  const finishedAt = engine.now();
  // The endpoint is disabled when this outcome is written; nothing more goes to it meanwhile.
  if (result.statusCode === 410) engine.stopped.add(endpoint.id);
  // A failure (410 included) moves the message along its schedule; it fails only after the last step.
  const delay = result.ok ? null : retryDelayAfter(claimed.retryStep, { random: engine.random, retryAfterMs: result.retryAfterMs });
  engine.report.attempted++;
  engine.unwritten.push({ claimed, startedAt, finishedAt, result, delay, error: result.error ? safeMessage(result.error) : null });
  startWriting(engine);
}

/**
 * Group commit: outcomes pile up while the previous group is being written, then go in together
 * (one insert of attempt logs, one update of deliveries), so the database round trips per
 * delivery fall as the load rises. The rows stay claimed until written, so nobody resends them.
 */
function startWriting(engine: Engine): void {
  engine.writing ??= (async () => {
    while (engine.unwritten.length) {
      const group = engine.unwritten.splice(0, 200);
      try {
        await engine.lane(() => writeOutcomes(engine, group));
      } catch (error) {
        // The claims lapse with their lease and a later run tries these deliveries again.
        logger.error("webhook delivery outcomes could not be recorded", { deliveries: group.length, error });
      }
    }
  })().finally(() => {
    engine.writing = null;
  });
}

async function finishWriting(engine: Engine): Promise<void> {
  while (engine.writing || engine.unwritten.length) {
    if (!engine.writing) startWriting(engine);
    await engine.writing;
  }
}

function deliveryUpdate(o: AttemptOutcome): Prisma.Sql {
  const status = o.result.ok ? "succeeded" : o.delay === null ? "failed" : "pending";
  const finished = status !== "pending";
  const nextAt = finished ? null : iso(new Date(o.finishedAt.getTime() + o.delay!));
  return Prisma.sql`(${o.claimed.id}, ${o.claimed.claimToken}, ${status}, ${o.claimed.attemptCount + 1}::int,
    ${finished ? o.claimed.retryStep : o.claimed.retryStep + 1}::int, ${nextAt}::timestamp, ${finished ? iso(o.finishedAt) : null}::timestamp,
    ${iso(o.startedAt)}::timestamp, ${o.result.statusCode ?? null}::int, ${o.error}::text)`;
}

/** Logs a group of attempts, finishes or reschedules their deliveries, and updates endpoint health. */
async function writeOutcomes(engine: Engine, group: AttemptOutcome[]): Promise<void> {
  const { db } = engine;
  await db.$transaction([
    db.webhookAttempt.createMany({
      data: group.map((o) => ({
        deliveryId: o.claimed.id,
        endpointId: o.claimed.endpointId,
        attemptNumber: o.claimed.attemptCount + 1,
        startedAt: o.startedAt,
        durationMs: o.result.durationMs,
        ok: o.result.ok,
        statusCode: o.result.statusCode ?? null,
        responseBody: o.result.responseBody ?? null,
        error: o.error,
      })),
    }),
    // Only rows whose claim is still ours; the attempts above happened either way.
    db.$executeRaw`
      UPDATE "WebhookDelivery" AS d SET status = v.status::"WebhookDeliveryStatus", "attemptCount" = v.attempt_count,
        "retryStep" = v.retry_step, "nextAttemptAt" = v.next_at, "completedAt" = v.completed_at, "lastAttemptAt" = v.last_at,
        "lastStatusCode" = v.status_code, "lastError" = v.error, "lockedUntil" = NULL, "claimToken" = NULL
      FROM (VALUES ${Prisma.join(group.map(deliveryUpdate))})
        AS v(id, token, status, attempt_count, retry_step, next_at, completed_at, last_at, status_code, error)
      WHERE d.id = v.id AND d."claimToken" = v.token`,
  ]);

  const byEndpoint = new Map<string, AttemptOutcome[]>();
  for (const o of group) byEndpoint.set(o.claimed.endpointId, [...(byEndpoint.get(o.claimed.endpointId) ?? []), o]);
  const recovered: string[] = [];
  const failing: { endpointId: string; failures: AttemptOutcome[] }[] = [];
  for (const [endpointId, outcomes] of byEndpoint) {
    for (const o of outcomes) {
      if (o.result.ok) engine.report.succeeded++;
      else engine.report.failed++;
      if (!o.result.ok && o.delay === null) engine.report.gaveUp++;
    }
    // Only failures after the group's last success extend the endpoint's run of failures.
    const lastSuccess = Math.max(-Infinity, ...outcomes.filter((o) => o.result.ok).map((o) => o.finishedAt.getTime()));
    if (lastSuccess > -Infinity) recovered.push(endpointId);
    const failures = outcomes.filter((o) => !o.result.ok && o.startedAt.getTime() >= lastSuccess);
    failing.push({ endpointId, failures });
  }
  await noteSuccesses(db, recovered);
  for (const { endpointId, failures } of failing) {
    if (!failures.length) continue;
    const gone = failures.find((o) => o.result.statusCode === 410);
    const last = failures[failures.length - 1]!;
    const disabled = gone ? await disableEndpoint(db, endpointId, GONE_REASON, gone.finishedAt) : await noteFailure(db, endpointId, failures[0]!.startedAt, last.finishedAt);
    if (disabled) {
      engine.stopped.add(endpointId);
      engine.report.endpointsDisabled++;
    }
  }
}

/** Claims and sends due deliveries until none is due or the time budget is spent. */
export async function deliverDueWebhooks(options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const started = performance.now();
  const cfg = config();
  const concurrency = Math.max(1, options.concurrency ?? cfg.WEBHOOK_DELIVERY_CONCURRENCY);
  const batchSize = options.batchSize ?? concurrency * 2;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const filter: DeliveryFilter = { eventIds: options.eventIds, deliveryIds: options.deliveryIds, endpointIds: options.endpointIds };
  const engine: Engine = {
    lane: serialLane(),
    db: options.db ?? (await getDb()),
    now: options.now ?? (() => new Date()),
    resolver: options.resolver ?? systemResolver,
    policy: options.policy ?? configuredUrlPolicy(),
    random: options.random ?? Math.random,
    timeoutMs: options.timeoutMs ?? cfg.WEBHOOK_TIMEOUT_MS,
    endpoints: new Map(),
    stopped: new Set(),
    report: { attempted: 0, succeeded: 0, failed: 0, gaveUp: 0, endpointsDisabled: 0, durationMs: 0 },
    unwritten: [],
    writing: null,
  };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** Due deliveries, claimed a batch at a time once the last batch is handed out, until none is due or the time budget is spent. */
  async function* dueDeliveries(): AsyncGenerator<ClaimedDelivery> {
    while (performance.now() - started <= budgetMs) {
      let rows: ClaimedDelivery[];
      try {
        rows = await engine.lane(async () => {
          const claimedRows = await claimDueDeliveries(engine.db, engine.now(), batchSize, filter, CLAIM_LEASE_MS, [...engine.stopped]);
          await loadEndpoints(engine.db, [...new Set(claimedRows.map((r) => r.endpointId))], engine.endpoints);
          return claimedRows;
        });
      } catch (error) {
        // Claimed rows (if any) lapse with their lease; the next run takes them.
        logger.error("claiming webhook deliveries failed", { error });
        return;
      }
      if (!rows.length) return;
      yield* rows;
    }
  }

  const runOnce = async () => {
    // Workers pull deliveries one by one from a queue refilled by one claim at a time, so a slow
    // receiver holds up one worker, not a whole batch.
    await forEachConcurrently(dueDeliveries(), concurrency, async (delivery) => {
      try {
        await deliverOne(engine, delivery);
      } catch (error) {
        // A database hiccup while recording: the claim lapses and a later run tries again.
        logger.error("webhook delivery could not be recorded", { deliveryId: delivery.id, error });
      }
    });
    await finishWriting(engine);
  };

  await runOnce();
  if (options.followUpWithinMs) {
    // The 5-second retry should not wait for the next cron minute when this run can simply wait.
    for (let round = 0; round < 2; round++) {
      const extra = filterSql(filter, [...engine.stopped]);
      if (!extra) break;
      const now = engine.now();
      const [due] = await engine.db.$queryRaw<{ at: Date | null }[]>`
        SELECT min(d."nextAttemptAt") AS at FROM "WebhookDelivery" AS d JOIN "WebhookEndpoint" AS e ON e.id = d."endpointId"
        WHERE d.status = 'pending' AND e.status = 'active' ${extra}`;
      const wait = due?.at ? new Date(due.at).getTime() - now.getTime() : Infinity;
      if (wait > options.followUpWithinMs) break;
      await sleep(Math.max(0, wait));
      await runOnce();
    }
  }
  engine.report.durationMs = Math.round(performance.now() - started);
  return engine.report;
}

export interface WebhookCronReport extends DeliveryReport {
  eventsPruned: number;
}

/**
 * GET /api/cron/webhooks and `npm run job:deliver-webhooks`: sends what is due, then drops events
 * older than WEBHOOK_RETENTION_DAYS whose deliveries are all finished (their deliveries and
 * attempt logs go with them).
 */
export async function runWebhookCron(options: DeliveryOptions = {}): Promise<WebhookCronReport> {
  const db = options.db ?? (await getDb());
  const report = await deliverDueWebhooks({ ...options, db });
  const now = (options.now ?? (() => new Date()))();
  const cutoff = new Date(now.getTime() - config().WEBHOOK_RETENTION_DAYS * 86_400_000);
  const eventsPruned = await db.$executeRaw`
    DELETE FROM "WebhookEvent" AS ev WHERE ev."createdAt" < ${iso(cutoff)}::timestamp
    AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" AS d WHERE d."eventId" = ev.id AND d.status = 'pending')`;
  return { ...report, eventsPruned };
}
