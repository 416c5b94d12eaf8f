// When an endpoint stops deserving attempts: it answered 410 Gone, or every attempt to it has
// failed for 5 days (as Svix does it). A run of failures alone never fails a message — each one
// keeps its own retry schedule — so a receiver that is down for hours is caught up once it is back.
// Disabling stops the attempts, never the messages: queued deliveries (and events raised
// meanwhile) wait, and go out when the endpoint is enabled again. The admins are told — an
// activity entry, an audit entry and an `endpoint.disabled` event to the workspace's other endpoints.
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { safeMessage } from "@/lib/pipeline/call";
import { enqueueEvent } from "@/lib/webhooks-out/outbox";
import { deliverWhenCommitted } from "@/lib/webhooks-out/trigger";

/** How long every attempt to an endpoint must have failed before it is disabled. */
export const FAILING_PERIOD_MS = 5 * 24 * 3600_000;
export const FAILING_PERIOD_REASON = "every attempt has failed for 5 days";
export const GONE_REASON = "it answered 410 Gone";
/** The activity log's provider id for outgoing webhooks. */
export const WEBHOOKS_ACTIVITY_PROVIDER = "webhooks";

/** When an endpoint failing since `failingSince` is disabled if nothing gets through before. */
export function autoDisableAt(failingSince: Date): Date {
  return new Date(failingSince.getTime() + FAILING_PERIOD_MS);
}

/** Disables an endpoint once (false when it already was) and tells the admins; its queued deliveries stay queued. */
export async function disableEndpoint(db: Db, endpointId: string, reason: string, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const changed = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, status: { not: "disabled" } },
      data: { status: "disabled", disabledReason: reason, disabledAt: now },
    });
    if (!changed.count) return false;
    const endpoint = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { workspaceId: true, name: true, url: true } });
    const waiting = await tx.webhookDelivery.count({ where: { endpointId, status: "pending" } });
    await tx.integrationActivity.create({
      data: {
        workspaceId: endpoint.workspaceId,
        providerId: WEBHOOKS_ACTIVITY_PROVIDER,
        operation: "webhook.endpoint.disabled",
        outcome: "failure",
        errorCategory: "permanent",
        durationMs: 0,
        attempts: 0,
        message: safeMessage(
          `Webhook endpoint "${endpoint.name}" (${endpoint.url}) was disabled: ${reason}. ` +
            `Its ${waiting} queued message${waiting === 1 ? "" : "s"} and new events wait: fix the receiver, then enable it on the Webhooks page and they are sent.`,
        ),
        actor: "system",
        createdAt: now,
      },
    });
    await recordAudit(tx, { workspaceId: endpoint.workspaceId, actor: "system", action: "webhook.endpoint.disable", target: endpointId, details: { reason, waiting } });
    // Raised through the outbox directly (not lib/events, which builds on this folder); the
    // disabled endpoint itself is not told that it was disabled.
    const queued = await enqueueEvent(tx, endpoint.workspaceId, "endpoint.disabled", { endpointId, name: endpoint.name, url: endpoint.url, reason }, now, [endpointId]);
    if (queued) deliverWhenCommitted(queued.eventId);
    return true;
  });
}

/** A success ends an endpoint's run of failures. Cheap when there was none (no row changes). */
export async function noteSuccesses(db: Db, endpointIds: string[]): Promise<void> {
  if (!endpointIds.length) return;
  await db.webhookEndpoint.updateMany({ where: { id: { in: endpointIds }, failingSince: { not: null } }, data: { failingSince: null } });
}

/**
 * A failed attempt (already recorded) extends the endpoint's run of failures, and disables the
 * endpoint once that run is 5 days long. Returns whether it disabled it.
 */
export async function noteFailure(db: Db, endpointId: string, attemptStartedAt: Date, now: Date): Promise<boolean> {
  await db.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: null }, data: { failingSince: attemptStartedAt } });
  const endpoint = await db.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { failingSince: true, status: true } });
  if (!endpoint?.failingSince || endpoint.status === "disabled") return false;
  if (now.getTime() < autoDisableAt(endpoint.failingSince).getTime()) return false;
  return disableEndpoint(db, endpointId, FAILING_PERIOD_REASON, now);
}
