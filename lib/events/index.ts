// Raising an event. Callers pass the transaction that makes the change the event reports, so the
// event is stored exactly when the change is (the outgoing-webhook outbox hangs off this).
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isEventType, type EventType } from "@/lib/events/catalog";
import { logger } from "@/lib/log";

export type { EventType } from "@/lib/events/catalog";

export interface RaisedEvent {
  workspaceId: string;
  type: EventType;
  data: Record<string, unknown>;
}

export async function emitEvent(db: Db | Prisma.TransactionClient, event: RaisedEvent): Promise<void> {
  if (!isEventType(event.type)) throw new Error(`Unknown event type ${event.type}`);
  // Until outgoing webhooks exist there is nobody to deliver to; the event is only logged.
  void db;
  logger.debug("event raised", { workspaceId: event.workspaceId, type: event.type });
}
