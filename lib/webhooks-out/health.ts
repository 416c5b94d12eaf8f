// When an endpoint stops deserving deliveries: it answered 410 Gone, or it has failed without a
// single success for 5 days, or for 10 different messages in a row. It is then disabled, its
// queued deliveries are marked failed, and the admins are told — an activity entry, an audit
// entry and an `endpoint.disabled` event to the workspace's other endpoints.
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { safeMessage } from "@/lib/pipeline/call";
import { enqueueEvent } from "@/lib/webhooks-out/outbox";
import { deliverAfterResponse } from "@/lib/webhooks-out/trigger";

export const FAILING_PERIOD_MS = 5 * 24 * 3600_000;
export const FAILED_MESSAGES_LIMIT = 10;
/** The activity log's provider id for outgoing webhooks. */
export const WEBHOOKS_ACTIVITY_PROVIDER = "webhooks";

/** Disables an endpoint once (false when it already was) and tells the admins. */
export async function disableEndpoint(db: Db, endpointId: string, reason: string, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const changed = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, status: { not: "disabled" } },
      data: { status: "disabled", disabledReason: reason, disabledAt: now },
    });
    if (!changed.count) return false;
    const endpoint = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { workspaceId: true, name: true, url: true } });
    await tx.webhookDelivery.updateMany({
      where: { endpointId, status: "pending" },
      data: { status: "failed", completedAt: now, nextAttemptAt: null, lastError: `Not sent: the endpoint was disabled (${reason})` },
    });
    await tx.integrationActivity.create({
      data: {
        workspaceId: endpoint.workspaceId,
        providerId: WEBHOOKS_ACTIVITY_PROVIDER,
        operation: "webhook.endpoint.disabled",
        outcome: "failure",
        errorCategory: "permanent",
        durationMs: 0,
        attempts: 0,
        message: safeMessage(`Webhook endpoint "${endpoint.name}" (${endpoint.url}) was disabled: ${reason}. Fix it, then enable it on the Webhooks page.`),
        actor: "system",
        createdAt: now,
      },
    });
    await recordAudit(tx, { workspaceId: endpoint.workspaceId, actor: "system", action: "webhook.endpoint.disable", target: endpointId, details: { reason } });
    // Raised through the outbox directly (not lib/events, which builds on this folder).
    const queued = await enqueueEvent(tx, endpoint.workspaceId, "endpoint.disabled", { endpointId, name: endpoint.name, url: endpoint.url, reason }, now);
    if (queued) deliverAfterResponse({ eventIds: [queued.eventId] });
    return true;
  });
}

/** A success ends an endpoint's run of failures. Cheap when there was none (no row changes). */
export async function noteSuccesses(db: Db, endpointIds: string[]): Promise<void> {
  if (!endpointIds.length) return;
  await db.webhookEndpoint.updateMany({ where: { id: { in: endpointIds }, failingSince: { not: null } }, data: { failingSince: null } });
}

/**
 * A failed attempt (already recorded) extends the endpoint's run of failures; disables the
 * endpoint when the run is 5 days long or spans 10 messages. Returns whether it disabled it.
 */
export async function noteFailure(db: Db, endpointId: string, attemptStartedAt: Date, now: Date): Promise<boolean> {
  await db.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: null }, data: { failingSince: attemptStartedAt } });
  const endpoint = await db.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { failingSince: true, status: true } });
  if (!endpoint?.failingSince || endpoint.status === "disabled") return false;
  if (now.getTime() - endpoint.failingSince.getTime() >= FAILING_PERIOD_MS) {
    return disableEndpoint(db, endpointId, "every attempt has failed for 5 days", now);
  }
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(DISTINCT "deliveryId")::int AS n FROM "WebhookAttempt"
    WHERE "endpointId" = ${endpointId} AND ok = false AND "startedAt" >= ${endpoint.failingSince.toISOString()}::timestamp`;
  if ((row?.n ?? 0) >= FAILED_MESSAGES_LIMIT) {
    return disableEndpoint(db, endpointId, `${FAILED_MESSAGES_LIMIT} messages in a row failed`, now);
  }
  return false;
}
