// What payment changes from inbound webhooks do (whichever provider reported them): an intent that
// succeeded or failed updates its Payment and the linked Registration (metadata.registrationId);
// refunds are recorded. Runs in the transaction that marks the event processed, and raises
// payment.* events in it too. Registered for the `payment.*` changes in lib/webhooks-in/handlers.ts.
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";
import type { ChangeOf, ChangeOrigin } from "@/lib/integrations/kit/ports/inbound";
import { nextPaymentStatus, statusesBefore } from "@/lib/payments/status";

type Tx = Prisma.TransactionClient;

/** The registration a payment intent belongs to, only ever within the event's workspace. */
async function registrationFor(tx: Tx, workspaceId: string, intentId: string, metadata: Record<string, string>): Promise<{ id: string } | null> {
  if (metadata.registrationId) {
    const byMetadata = await tx.registration.findFirst({ where: { id: metadata.registrationId, workspaceId }, select: { id: true } });
    if (byMetadata) return byMetadata;
  }
  return tx.registration.findFirst({ where: { workspaceId, paymentIntentId: intentId }, select: { id: true } });
}

/** The Payment row of an intent, created from the change when Plugboard did not create the intent itself. */
async function paymentFor(tx: Tx, workspaceId: string, intent: { intentId: string; amount: number; currency: string; metadata: Record<string, string> }) {
  const existing = await tx.payment.findUnique({ where: { workspaceId_paymentIntentId: { workspaceId, paymentIntentId: intent.intentId } } });
  if (existing) return existing;
  const registration = await registrationFor(tx, workspaceId, intent.intentId, intent.metadata);
  return tx.payment.create({
    data: {
      workspaceId,
      paymentIntentId: intent.intentId,
      amountMinor: intent.amount,
      currency: intent.currency,
      registrationId: registration?.id ?? null,
      metadata: intent.metadata,
    },
  });
}

/** Moves the registration's payment status forward (one conditional update: no read first). */
async function updateRegistration(tx: Tx, registrationId: string, intentId: string, status: PaymentStatus, amountPaidMinor?: number): Promise<void> {
  await tx.registration.updateMany({
    where: { id: registrationId, paymentStatus: { in: statusesBefore(status) } },
    data: { paymentStatus: status, paymentIntentId: intentId, ...(amountPaidMinor !== undefined ? { amountPaidMinor } : {}) },
  });
}

export async function applyIntentOutcome(tx: Tx, change: ChangeOf<"payment.intent_outcome">, origin: ChangeOrigin): Promise<void> {
  const { workspaceId } = origin;
  const incoming: PaymentStatus = change.outcome === "succeeded" ? "completed" : "failed";
  const lastError = incoming === "failed" ? (change.error ?? "The payment failed") : null;
  const received = incoming === "completed" ? { amountReceivedMinor: change.amountReceived } : {};
  const existing = await tx.payment.findUnique({ where: { workspaceId_paymentIntentId: { workspaceId, paymentIntentId: change.intentId } } });
  let registrationId: string | null;
  if (existing) {
    if (!nextPaymentStatus(existing.status, incoming)) return; // already there, or a late event that must not undo a later state
    await tx.payment.update({ where: { id: existing.id }, data: { status: incoming, lastError, ...received } });
    registrationId = existing.registrationId;
  } else {
    // An intent Plugboard did not create (or whose creation it did not record): recorded from the change.
    registrationId = (await registrationFor(tx, workspaceId, change.intentId, change.metadata))?.id ?? null;
    await tx.payment.create({
      data: {
        workspaceId,
        paymentIntentId: change.intentId,
        amountMinor: change.amount,
        currency: change.currency,
        registrationId,
        metadata: change.metadata,
        status: incoming,
        lastError,
        ...received,
      },
    });
  }
  if (registrationId) await updateRegistration(tx, registrationId, change.intentId, incoming, incoming === "completed" ? change.amountReceived : undefined);
  const data = { paymentIntentId: change.intentId, amount: change.amount, currency: change.currency, registrationId };
  if (incoming === "completed") await emitEvent(tx, { workspaceId, type: "payment.succeeded", data });
  else await emitEvent(tx, { workspaceId, type: "payment.failed", data: { ...data, message: lastError } });
}

export async function applyRefund(tx: Tx, change: ChangeOf<"payment.refund">, origin: ChangeOrigin): Promise<void> {
  const payment = await paymentFor(tx, origin.workspaceId, change);
  // A partial refund is recorded as an amount; the status changes only once everything is refunded.
  const status = change.fullyRefunded ? (nextPaymentStatus(payment.status, "refunded") ?? payment.status) : payment.status;
  await tx.payment.update({ where: { id: payment.id }, data: { amountRefundedMinor: Math.max(payment.amountRefundedMinor, change.amountRefunded), status } });
  if (change.fullyRefunded && payment.registrationId) await updateRegistration(tx, payment.registrationId, change.intentId, "refunded");
}

/** The handlers of the `payment.*` changes, by kind. */
export const paymentChanges = {
  "payment.intent_outcome": applyIntentOutcome,
  "payment.refund": applyRefund,
};
