// An endpoint's deliveries and their attempt logs, and the hands-on actions on them: Send test,
// resend one delivery now, and resend every failure since a time.
import type { SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/api";
import { findEndpoint, requireActive, requireAdmin, type ServiceOptions } from "@/lib/webhooks-out/access";
import { deliverDueWebhooks } from "@/lib/webhooks-out/deliver";
import { enqueueForEndpoint, TEST_EVENT_TYPE } from "@/lib/webhooks-out/outbox";
import { LAST_STEP } from "@/lib/webhooks-out/schedule";
import type { DeliveriesQuery } from "@/lib/webhooks-out/schemas";
import { deliverAfterResponse } from "@/lib/webhooks-out/trigger";

export type DeliveryStatus = "pending" | "succeeded" | "failed";

export interface AttemptView {
  id: string;
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** Only in the single-delivery answer: up to 4 KB of what the endpoint answered. */
  responseBody?: string | null;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  completedAt: Date | null;
  createdAt: Date;
  attempts: AttemptView[];
  /** Only in the single-delivery answer: the JSON body sent. */
  payload?: string;
}

export interface DeliveryPage {
  items: DeliveryView[];
  page: number;
  pageSize: number;
  total: number;
}

const ATTEMPT_SUMMARY = { id: true, attemptNumber: true, startedAt: true, durationMs: true, ok: true, statusCode: true, error: true } as const;
const DELIVERY_SELECT = {
  id: true,
  eventId: true,
  eventType: true,
  status: true,
  attemptCount: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  lastStatusCode: true,
  lastError: true,
  completedAt: true,
  createdAt: true,
} as const;

export async function listDeliveries(user: SessionUser, endpointId: string, query: DeliveriesQuery): Promise<DeliveryPage> {
  const db = await getDb();
  const endpoint = await findEndpoint(db, user, endpointId);
  const where: Prisma.WebhookDeliveryWhereInput = { endpointId: endpoint.id, ...(query.status ? { status: query.status } : {}) };
  const items = await db.webhookDelivery.findMany({
    where,
    select: { ...DELIVERY_SELECT, attempts: { select: ATTEMPT_SUMMARY, orderBy: { attemptNumber: "asc" } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (query.page - 1) * query.pageSize,
    take: query.pageSize,
  });
  const total = await db.webhookDelivery.count({ where });
  return { items, page: query.page, pageSize: query.pageSize, total };
}

export async function getDelivery(user: SessionUser, endpointId: string, deliveryId: string): Promise<DeliveryView> {
  const db = await getDb();
  const endpoint = await findEndpoint(db, user, endpointId);
  const row = await db.webhookDelivery.findFirst({
    where: { id: deliveryId, endpointId: endpoint.id },
    select: { ...DELIVERY_SELECT, event: { select: { payload: true } }, attempts: { select: { ...ATTEMPT_SUMMARY, responseBody: true }, orderBy: { attemptNumber: "asc" } } },
  });
  if (!row) throw notFound("No delivery with this id for this endpoint");
  const { event, ...delivery } = row;
  return { ...delivery, payload: event.payload };
}

/** Sends a `webhook.test` event to this endpoint now and answers with the delivery and its attempt. */
export async function sendTestEvent(user: SessionUser, endpointId: string, options: ServiceOptions = {}): Promise<DeliveryView> {
  requireAdmin(user);
  const db = await getDb();
  const endpoint = await findEndpoint(db, user, endpointId);
  requireActive(endpoint, "send a test");
  const now = (options.now ?? (() => new Date()))();
  const data = { endpointId: endpoint.id, message: "A test event from Plugboard: your endpoint received it and can check its signature." };
  const queued = await enqueueForEndpoint(db, endpoint, TEST_EVENT_TYPE, data, now);
  await deliverDueWebhooks({ db, eventIds: [queued.eventId], ...options });
  const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { eventId_endpointId: { eventId: queued.eventId, endpointId: endpoint.id } }, select: { id: true } });
  return getDelivery(user, endpoint.id, delivery.id);
}

/**
 * Sends one delivery again, now, and answers with its attempts. A finished delivery gets one more
 * attempt (no automatic retries after it); a queued one is simply sent now.
 */
export async function resendDelivery(user: SessionUser, endpointId: string, deliveryId: string, options: ServiceOptions = {}): Promise<DeliveryView> {
  requireAdmin(user);
  const db = await getDb();
  const endpoint = await findEndpoint(db, user, endpointId);
  requireActive(endpoint, "resend");
  const now = (options.now ?? (() => new Date()))();
  const delivery = await db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: endpoint.id }, select: { id: true, status: true } });
  if (!delivery) throw notFound("No delivery with this id for this endpoint");
  const requeue: Prisma.WebhookDeliveryUpdateManyMutationInput =
    delivery.status === "pending" ? { nextAttemptAt: now } : { status: "pending", retryStep: LAST_STEP, nextAttemptAt: now, completedAt: null };
  // Not while a delivery run holds it: that run is sending it right now.
  const changed = await db.webhookDelivery.updateMany({
    where: { id: delivery.id, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: requeue,
  });
  if (!changed.count) throw new ApiError(409, "This delivery is being sent right now; look again in a moment");
  await deliverDueWebhooks({ db, deliveryIds: [delivery.id], ...options });
  return getDelivery(user, endpoint.id, delivery.id);
}

/** Queues every failed delivery created since `since` for one more attempt; sent right after the answer. */
export async function resendFailedSince(user: SessionUser, endpointId: string, since: Date, options: ServiceOptions = {}): Promise<{ queued: number }> {
  requireAdmin(user);
  const db = await getDb();
  const endpoint = await findEndpoint(db, user, endpointId);
  if (endpoint.status === "disabled") requireActive(endpoint, "resend");
  const now = (options.now ?? (() => new Date()))();
  const { count } = await db.webhookDelivery.updateMany({
    where: { endpointId: endpoint.id, status: "failed", createdAt: { gte: since } },
    data: { status: "pending", retryStep: LAST_STEP, nextAttemptAt: now, completedAt: null },
  });
  if (count) deliverAfterResponse({ endpointIds: [endpoint.id] });
  return { queued: count };
}
