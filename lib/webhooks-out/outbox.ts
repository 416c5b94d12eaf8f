// The durable outbox: raising an event writes the event and one delivery row per subscribed
// endpoint through the caller's database handle — inside the caller's transaction, so the event
// exists exactly when the change it reports does, and survives the process dying before it is sent.
import crypto from "node:crypto";
import { onceInTransaction } from "@/lib/db/after-commit";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

export type DbOrTx = Db | Prisma.TransactionClient;

/** What Send test sends; not in the catalog (nobody subscribes to it), only to the endpoint tested. */
export const TEST_EVENT_TYPE = "webhook.test";

/** A Standard Webhooks message id: unique per event, the same on every retry. */
export function newMessageId(): string {
  return `msg_${crypto.randomBytes(16).toString("base64url")}`;
}

/** The JSON body receivers get, in the Standard Webhooks shape. */
export function eventPayload(type: string, data: Record<string, unknown>, at: Date): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

export interface QueuedEvent {
  eventId: string;
  deliveries: number;
}

async function writeEvent(db: DbOrTx, workspaceId: string, type: string, data: Record<string, unknown>, endpointIds: string[], now: Date): Promise<QueuedEvent> {
  const eventId = newMessageId();
  await db.webhookEvent.create({ data: { id: eventId, workspaceId, type, payload: eventPayload(type, data, now), createdAt: now } });
  await db.webhookDelivery.createMany({ data: endpointIds.map((endpointId) => ({ endpointId, eventId, eventType: type, nextAttemptAt: now, createdAt: now })) });
  return { eventId, deliveries: endpointIds.length };
}

/**
 * Queues an event for every endpoint of the workspace that subscribes to its type (or to `*`),
 * but those in `except`. Paused and disabled endpoints get it too, and receive it once resumed or
 * enabled: stopping the attempts never drops a message. Nothing is stored when nobody subscribes.
 */
export async function enqueueEvent(
  db: DbOrTx,
  workspaceId: string,
  type: string,
  data: Record<string, unknown>,
  now = new Date(),
  except: string[] = [],
): Promise<QueuedEvent | null> {
  // Endpoints are never created or resubscribed inside a transaction that raises events.
  const endpoints = await onceInTransaction(`webhook-endpoints:${workspaceId}:${type}:${except.join(",")}`, () =>
    db.webhookEndpoint.findMany({
      where: { workspaceId, events: { hasSome: [type, "*"] }, ...(except.length ? { id: { notIn: except } } : {}) },
      select: { id: true },
    }),
  );
  if (!endpoints.length) return null;
  return writeEvent(
    db,
    workspaceId,
    type,
    data,
    endpoints.map((e) => e.id),
    now,
  );
}

/** Queues an event for one endpoint only, whatever it subscribes to (Send test). */
export async function enqueueForEndpoint(
  db: DbOrTx,
  endpoint: { id: string; workspaceId: string },
  type: string,
  data: Record<string, unknown>,
  now = new Date(),
): Promise<QueuedEvent> {
  return writeEvent(db, endpoint.workspaceId, type, data, [endpoint.id], now);
}
