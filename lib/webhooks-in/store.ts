// The inbound event store and its one path: verify (provider code) → persist (here) → acknowledge
// (the route) → process (here, after the answer). A delivery is stored before it is acknowledged,
// so an acknowledged event is never lost; the unique (workspace, provider, dedupe key) makes a
// repeated delivery a counter bump instead of a second event; processing claims the row
// atomically, so no event is processed twice even when a retry and a redelivery race.
//
// Processing = the provider's port reads the event into provider-neutral changes (interpret), and
// the business handler of each change applies it (lib/webhooks-in/handlers.ts), all inside the
// transaction that marks the event processed.
import crypto from "node:crypto";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { InboundState, SignatureVerdict } from "@/lib/generated/prisma/enums";
import { ApiError } from "@/lib/http/api";
import type {
  ChangeOrigin,
  InboundChange,
  InboundState as KitInboundState,
  JsonValue,
  Receipt,
  RefusedDelivery,
  SignatureVerdict as KitSignatureVerdict,
  StoredEvent,
  VerifiedDelivery,
} from "@/lib/integrations/kit/ports/inbound";
import { hasSlot, loadPort } from "@/lib/integrations/registry";
import { logger } from "@/lib/log";
import { safeMessage } from "@/lib/pipeline";
import { takeFromWindow } from "@/lib/rate-limits";
import { effectOf, prepareChanges } from "@/lib/webhooks-in/handlers";

// The kit spells out the database's states and verdicts so providers never import Prisma; this
// stops compiling when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type KitMatchesSchema = [Holds<Same<KitInboundState, InboundState>>, Holds<Same<KitSignatureVerdict, SignatureVerdict>>];

/** How long one processing attempt may hold its claim before a retry may take the event over. */
export const PROCESSING_LEASE_MS = 60_000;
/** An event acknowledged but not processed this long after (the process died) is picked up by the retry job. */
export const UNPROCESSED_GRACE_MS = 60_000;

/** Whether the provider reads events of this type into changes (they are processed); false for providers without the inbound slot. */
export async function interprets(provider: string, type: string): Promise<boolean> {
  return hasSlot(provider, "inbound") && (await loadPort(provider, "inbound")).interprets(type);
}

let idCounter = 0;

/**
 * A new inbound event's id: 25 lowercase letters and digits, like the cuid ids Prisma gives other
 * rows. Time, then a counter, then randomness: events stored one after the other in the same
 * millisecond still sort (and are processed) in the order they arrived.
 */
function newInboundEventId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(9, "0")}${idCounter.toString(36).padStart(4, "0")}${crypto.randomBytes(8).toString("hex").slice(0, 11)}`;
}

/**
 * Stores a verified delivery, or counts a repeated one. Types the provider does not interpret are
 * stored as `ignored` (acknowledged, never processed). One statement either way (INSERT … ON
 * CONFLICT on the unique workspace, provider and dedupe key): this runs once per acknowledgement,
 * where Prisma's create (and an update after a unique violation) cost a burst of deliveries a
 * good part of its throughput (bench/webhook-ingest).
 */
export async function storeDelivery(db: Db, delivery: VerifiedDelivery, bodyBytes: number): Promise<Receipt> {
  const state: InboundState = (await interprets(delivery.provider, delivery.type)) ? "received" : "ignored";
  const [row] = await db.$queryRaw<{ id: string; state: InboundState; inserted: boolean }[]>`
    INSERT INTO "InboundEvent" ("id", "workspaceId", "connectionId", "provider", "dedupeKey", "type", "receivedAt", "signature", "state", "bodyBytes", "payload")
    VALUES (${newInboundEventId()}, ${delivery.workspaceId}, ${delivery.connectionId}, ${delivery.provider}, ${delivery.dedupeKey}, ${delivery.type}, ${new Date().toISOString()}::timestamp,
            'verified'::"SignatureVerdict", ${state}::"InboundState", ${bodyBytes}, ${JSON.stringify(delivery.payload)}::jsonb)
    ON CONFLICT ("workspaceId", "provider", "dedupeKey") DO UPDATE SET "deliveries" = "InboundEvent"."deliveries" + 1
    RETURNING "id", "state", (xmax = 0) AS "inserted"`;
  return { eventId: row!.id, duplicate: !row!.inserted, state: row!.state };
}

/**
 * Counts one refused request from a client address, and answers 429 with Retry-After (the seconds
 * left in the window) once INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS were refused in the window.
 * Counted after verification, and only refusals: an accepted delivery never touches the counter,
 * and a provider whose servers also carry somebody's refused deliveries (a stale endpoint at
 * Stripe) still gets its signed ones through. The counter is a RateLimitWindow row taken with one
 * atomic upsert, so it holds across instances.
 */
export async function countRefusal(db: Db, address: string, at: Date): Promise<void> {
  const { INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS, INBOUND_WEBHOOK_REFUSAL_WINDOW_SECONDS } = config();
  const permit = await takeFromWindow(
    db,
    { workspaceId: "*", providerId: "inbound-webhooks", scope: `refused:${address.slice(0, 100)}` },
    { limit: INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS, windowSeconds: INBOUND_WEBHOOK_REFUSAL_WINDOW_SECONDS },
    at,
  );
  if (permit.allowed) return;
  const retryAfter = Math.max(1, Math.ceil((permit.retryAt.getTime() - at.getTime()) / 1000));
  throw new ApiError(429, `Too many refused webhook deliveries from this address; try again in ${retryAfter} s`, undefined, { "retry-after": String(retryAfter) });
}

/**
 * Records a refused delivery's metadata (no body) and answers 401 (missing) or 400 (invalid,
 * stale) — or, past the client address's refusals, 429 without recording anything.
 */
export async function refuseDelivery(db: Db, provider: string, refused: RefusedDelivery, bodyBytes: number, from: { address: string; at: Date }): Promise<never> {
  await countRefusal(db, from.address, from.at);
  try {
    await db.inboundEvent.create({
      data: {
        workspaceId: refused.workspaceId ?? null,
        connectionId: refused.connectionId ?? null,
        provider,
        dedupeKey: null,
        type: "(unverified)",
        signature: refused.verdict,
        state: "rejected",
        lastError: safeMessage(refused.reason),
        bodyBytes,
      },
    });
  } catch (error) {
    // The refusal stands whether or not its record could be written.
    logger.error("could not record a refused webhook delivery", { provider, error });
  }
  logger.warn("webhook delivery refused", { provider, verdict: refused.verdict, reason: refused.reason });
  throw new ApiError(refused.verdict === "missing" ? 401 : 400, refused.reason);
}

/**
 * Drops the records of refused deliveries older than INBOUND_WEBHOOK_REFUSED_RETENTION_HOURS
 * (the prune job). They hold no body, only why a request was refused: worth a look for a day,
 * and anyone can post them, so unpruned they grow without bound.
 */
export async function pruneRefusedDeliveries(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - config().INBOUND_WEBHOOK_REFUSED_RETENTION_HOURS * 3600_000);
  const { count } = await db.inboundEvent.deleteMany({ where: { state: "rejected", receivedAt: { lt: cutoff } } });
  return count;
}

export interface ProcessOutcome {
  /** False when another worker holds the event or it needs no processing. */
  claimed: boolean;
  state: "processed" | "failed" | "skipped";
  error?: string;
}

/** Delay before the next automatic attempt after `attempts` failed ones; null once they are used up. */
export function nextAttemptDelayMs(attempts: number): number | null {
  const { INBOUND_WEBHOOK_MAX_ATTEMPTS, INBOUND_WEBHOOK_RETRY_BASE_SECONDS } = config();
  if (attempts >= INBOUND_WEBHOOK_MAX_ATTEMPTS) return null;
  return INBOUND_WEBHOOK_RETRY_BASE_SECONDS * 1000 * 2 ** Math.max(0, attempts - 1);
}

const CLAIM_SELECT = { id: true, workspaceId: true, connectionId: true, provider: true, type: true, payload: true, receivedAt: true, attempts: true } as const;
type Claimed = StoredEvent & { attempts: number };

function asClaimed(row: Prisma.InboundEventGetPayload<{ select: typeof CLAIM_SELECT }>): Claimed {
  // Prisma's JSON type allows `undefined` members; a stored payload has none.
  return { ...row, workspaceId: row.workspaceId!, payload: row.payload as JsonValue };
}

/** Marks claimed events processed (inside the transaction that applied their effects). */
function markProcessed(tx: Prisma.TransactionClient, ids: string[], at: Date) {
  return tx.inboundEvent.updateMany({ where: { id: { in: ids } }, data: { state: "processed", processedAt: at, lastError: null, nextAttemptAt: null, lockedUntil: null } });
}

type Effects = (tx: Prisma.TransactionClient) => Promise<void>;

/**
 * What processing an event does: its provider reads it into changes, each change goes to its
 * business handler. Worked out before the transaction opens, so a payload the provider cannot
 * read fails the event without holding a transaction. `changes` lets a batch prepare its reads.
 */
async function effectsOf(event: Claimed): Promise<{ apply: Effects; changes: { change: InboundChange; origin: ChangeOrigin }[] }> {
  if (!hasSlot(event.provider, "inbound")) throw new Error(`No processing is defined for ${event.provider} events`);
  const port = await loadPort(event.provider, "inbound");
  const { attempts: _attempts, ...stored } = event;
  const changes = port.interpret(stored);
  const effects = await Promise.all(changes.map(effectOf));
  const origin: ChangeOrigin = { eventId: event.id, workspaceId: event.workspaceId, connectionId: event.connectionId, provider: event.provider, receivedAt: event.receivedAt };
  return {
    apply: async (tx) => {
      for (const effect of effects) await effect(tx, origin);
    },
    changes: changes.map((change) => ({ change, origin })),
  };
}

/** Runs one claimed event in its own transaction; a failure is recorded with its next attempt. */
async function runClaimed(db: Db, event: Claimed, now: () => Date): Promise<ProcessOutcome> {
  try {
    const { apply } = await effectsOf(event);
    await db.$transaction(async (tx) => {
      await apply(tx);
      await markProcessed(tx, [event.id], now());
    });
    return { claimed: true, state: "processed" };
  } catch (error) {
    const message = safeMessage(error instanceof Error ? error.message : String(error));
    const delay = nextAttemptDelayMs(event.attempts);
    await db.inboundEvent.update({
      where: { id: event.id },
      data: { state: "failed", lastError: message, lockedUntil: null, nextAttemptAt: delay === null ? null : new Date(now().getTime() + delay) },
    });
    logger.warn("inbound event processing failed", { eventId: event.id, provider: event.provider, type: event.type, attempts: event.attempts, error: message });
    return { claimed: true, state: "failed", error: message };
  }
}

/**
 * Processes one event: claims it (received, failed, or a processing claim that expired), applies
 * its changes and marks it processed in one transaction, or records the failure and when
 * to try again. Never throws for a handler failure.
 */
export async function processInboundEvent(db: Db, id: string, now: () => Date = () => new Date()): Promise<ProcessOutcome> {
  const at = now();
  const [claimed] = await db.inboundEvent.updateManyAndReturn({
    where: {
      id,
      workspaceId: { not: null },
      OR: [{ state: { in: ["received", "failed"] } }, { state: "processing", lockedUntil: { lt: at } }],
    },
    data: { state: "processing", attempts: { increment: 1 }, lockedUntil: new Date(at.getTime() + PROCESSING_LEASE_MS) },
    select: CLAIM_SELECT,
  });
  if (!claimed) return { claimed: false, state: "skipped" };
  return runClaimed(db, asClaimed(claimed), now);
}

/** Events claimed per batch by the drain that follows acknowledged deliveries. */
export const DRAIN_BATCH = 100;

/**
 * Processes every event waiting in `received`, oldest first, in batches: one claim and one
 * transaction per batch (the effects of all its events and their "processed" marks commit
 * together). If any event of a batch fails, the batch rolls back and its events run one by one, so
 * only the failing one is marked failed. Returns how many events were processed or failed.
 */
export async function drainReceived(db: Db, now: () => Date = () => new Date()): Promise<number> {
  let done = 0;
  for (;;) {
    const waiting = await db.inboundEvent.findMany({
      where: { state: "received", workspaceId: { not: null } },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: DRAIN_BATCH,
      select: { id: true },
    });
    if (!waiting.length) return done;
    const at = now();
    // Only rows still `received` are claimed, so a concurrent drain (another instance) skips them.
    const rows = await db.inboundEvent.updateManyAndReturn({
      where: { id: { in: waiting.map((w) => w.id) }, state: "received" },
      data: { state: "processing", attempts: { increment: 1 }, lockedUntil: new Date(at.getTime() + PROCESSING_LEASE_MS) },
      select: CLAIM_SELECT,
    });
    const batch = rows.map(asClaimed).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id));
    if (!batch.length) continue;
    try {
      const effects: Awaited<ReturnType<typeof effectsOf>>[] = [];
      for (const event of batch) effects.push(await effectsOf(event));
      await db.$transaction(
        async (tx) => {
          await prepareChanges(
            tx,
            effects.flatMap((e) => e.changes),
          );
          for (const { apply } of effects) await apply(tx);
          await markProcessed(
            tx,
            batch.map((e) => e.id),
            now(),
          );
        },
        { timeout: 60_000 },
      );
    } catch {
      for (const event of batch) await runClaimed(db, event, now);
    }
    done += batch.length;
  }
}

const globalDrain = globalThis as unknown as { plugboardInboundDrain?: { running: Promise<void> | null; again: boolean } };

/**
 * Starts draining unless a drain is already running in this process, in which case that drain goes
 * round once more. One drain at a time keeps a burst of deliveries from opening a transaction each.
 */
export function scheduleDrain(db: Db): Promise<void> {
  const state = (globalDrain.plugboardInboundDrain ??= { running: null, again: false });
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = (async () => {
    try {
      do {
        state.again = false;
        await drainReceived(db);
      } while (state.again);
    } catch (error) {
      // What could not be processed now is picked up by the retry job.
      logger.error("inbound event drain stopped", { error });
    } finally {
      state.running = null;
    }
  })();
  return state.running;
}

export interface RetryReport {
  due: number;
  processed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

/**
 * The retry job (cron route and CLI): processes failed events whose next attempt is due, events
 * acknowledged but never processed (the process stopped after answering), and expired claims.
 */
export async function retryInboundEvents(db: Db, options: { now?: () => Date; limit?: number } = {}): Promise<RetryReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const at = now();
  const due = await db.inboundEvent.findMany({
    where: {
      workspaceId: { not: null },
      OR: [
        { state: "failed", nextAttemptAt: { lte: at } },
        { state: "received", receivedAt: { lt: new Date(at.getTime() - UNPROCESSED_GRACE_MS) } },
        { state: "processing", lockedUntil: { lt: at } },
      ],
    },
    orderBy: { receivedAt: "asc" },
    take: options.limit ?? 200,
    select: { id: true },
  });
  const report: RetryReport = { due: due.length, processed: 0, failed: 0, skipped: 0, durationMs: 0 };
  // One at a time, oldest first: events of one object (a payment, a message) keep their order.
  for (const { id } of due) {
    const outcome = await processInboundEvent(db, id, now);
    report[outcome.state] += 1;
  }
  report.durationMs = Date.now() - started;
  return report;
}
