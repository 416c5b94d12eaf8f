// Raising an event. Callers pass the transaction that makes the change the event reports, so the
// event and its outgoing webhook deliveries are stored exactly when the change is (the outbox);
// they are sent once that transaction has committed (after the response, in a request), or by the
// next cron run if that does not happen.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isEventType, type EventType } from "@/lib/webhooks-out/catalog";
import { logger } from "@/lib/log";
import { enqueueEvent, type QueuedEvent } from "@/lib/webhooks-out/outbox";
import { deliverWhenCommitted } from "@/lib/webhooks-out/trigger";

export type { EventType } from "@/lib/webhooks-out/catalog";

export interface RaisedEvent {
  workspaceId: string;
  type: EventType;
  data: Record<string, unknown>;
  /** When it happened (default: now); the payload's timestamp and the first delivery time. */
  occurredAt?: Date;
}

/** Stores the event for every subscribed endpoint; null when no endpoint subscribes to it. */
export async function emitEvent(db: Db | Prisma.TransactionClient, event: RaisedEvent): Promise<QueuedEvent | null> {
  if (!isEventType(event.type)) throw new Error(`Unknown event type ${event.type}`);
  const queued = await enqueueEvent(db, event.workspaceId, event.type, event.data, event.occurredAt);
  logger.debug("event raised", { workspaceId: event.workspaceId, type: event.type, deliveries: queued?.deliveries ?? 0 });
  if (queued) deliverWhenCommitted(queued.eventId);
  return queued;
}
