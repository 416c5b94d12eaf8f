// Processing of stored Stripe events: payment intents that succeeded or failed update their
// Payment and the linked Registration (metadata.registrationId); refunds are recorded. Runs in
// the transaction that marks the event processed, and raises payment.* events in it too.
import type Stripe from "stripe";
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";
import { nextPaymentStatus, statusesBefore } from "@/lib/payments/status";
import type { InboundHandler, StoredEvent } from "@/lib/webhooks-in/types";

type Tx = Prisma.TransactionClient;

const HANDLED = new Set(["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"]);

function stringMetadata(metadata: unknown): Record<string, string> {
  if (!metadata || typeof metadata !== "object") return {};
  return Object.fromEntries(Object.entries(metadata as Record<string, unknown>).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

/** The registration a payment intent belongs to, only ever within the event's workspace. */
async function registrationFor(tx: Tx, workspaceId: string, intentId: string, metadata: Record<string, string>): Promise<{ id: string } | null> {
  if (metadata.registrationId) {
    const byMetadata = await tx.registration.findFirst({ where: { id: metadata.registrationId, workspaceId }, select: { id: true } });
    if (byMetadata) return byMetadata;
  }
  return tx.registration.findFirst({ where: { workspaceId, paymentIntentId: intentId }, select: { id: true } });
}

/** The Payment row of an intent, created from the event when Plugboard did not create the intent itself. */
async function paymentFor(tx: Tx, workspaceId: string, intent: Pick<Stripe.PaymentIntent, "id" | "amount" | "currency" | "metadata">) {
  const existing = await tx.payment.findUnique({ where: { workspaceId_paymentIntentId: { workspaceId, paymentIntentId: intent.id } } });
  if (existing) return existing;
  const metadata = stringMetadata(intent.metadata);
  const registration = await registrationFor(tx, workspaceId, intent.id, metadata);
  return tx.payment.create({
    data: { workspaceId, paymentIntentId: intent.id, amountMinor: intent.amount, currency: intent.currency, registrationId: registration?.id ?? null, metadata },
  });
}

async function applyIntentOutcome(tx: Tx, event: StoredEvent, intent: Stripe.PaymentIntent, incoming: "completed" | "failed"): Promise<void> {
  const { workspaceId } = event;
  const lastError = incoming === "failed" ? (intent.last_payment_error?.message ?? "The payment failed") : null;
  const received = incoming === "completed" ? { amountReceivedMinor: intent.amount_received ?? intent.amount } : {};
  const existing = await tx.payment.findUnique({ where: { workspaceId_paymentIntentId: { workspaceId, paymentIntentId: intent.id } } });
  let registrationId: string | null;
  if (existing) {
    if (!nextPaymentStatus(existing.status, incoming)) return; // already there, or a late event that must not undo a later state
    await tx.payment.update({ where: { id: existing.id }, data: { status: incoming, lastError, ...received } });
    registrationId = existing.registrationId;
  } else {
    // An intent Plugboard did not create (or whose creation it did not record): recorded from the event.
    const metadata = stringMetadata(intent.metadata);
    registrationId = (await registrationFor(tx, workspaceId, intent.id, metadata))?.id ?? null;
    await tx.payment.create({
      data: { workspaceId, paymentIntentId: intent.id, amountMinor: intent.amount, currency: intent.currency, registrationId, metadata, status: incoming, lastError, ...received },
    });
  }
  if (registrationId) await updateRegistration(tx, registrationId, intent.id, incoming, incoming === "completed" ? (intent.amount_received ?? intent.amount) : undefined);
  const data = { paymentIntentId: intent.id, amount: intent.amount, currency: intent.currency, registrationId };
  if (incoming === "completed") await emitEvent(tx, { workspaceId, type: "payment.succeeded", data });
  else await emitEvent(tx, { workspaceId, type: "payment.failed", data: { ...data, message: lastError } });
}

/** Moves the registration's payment status forward (one conditional update: no read first). */
async function updateRegistration(tx: Tx, registrationId: string, intentId: string, status: PaymentStatus, amountPaidMinor?: number): Promise<void> {
  await tx.registration.updateMany({
    where: { id: registrationId, paymentStatus: { in: statusesBefore(status) } },
    data: { paymentStatus: status, paymentIntentId: intentId, ...(amountPaidMinor !== undefined ? { amountPaidMinor } : {}) },
  });
}

async function applyRefund(tx: Tx, event: StoredEvent, charge: Stripe.Charge): Promise<void> {
  const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  if (!intentId) return; // a charge without a payment intent is not one of ours
  const payment = await paymentFor(tx, event.workspaceId, { id: intentId, amount: charge.amount, currency: charge.currency, metadata: charge.metadata });
  const fullyRefunded = charge.refunded || charge.amount_refunded >= charge.amount;
  // A partial refund is recorded as an amount; the status changes only once everything is refunded.
  const status = fullyRefunded ? (nextPaymentStatus(payment.status, "refunded") ?? payment.status) : payment.status;
  await tx.payment.update({ where: { id: payment.id }, data: { amountRefundedMinor: Math.max(payment.amountRefundedMinor, charge.amount_refunded), status } });
  if (fullyRefunded && payment.registrationId) await updateRegistration(tx, payment.registrationId, intentId, "refunded");
}

export const stripeEventHandler: InboundHandler = {
  handles: (type) => HANDLED.has(type),
  async process(tx, event) {
    const stripeEvent = event.payload as unknown as Stripe.Event;
    const object = stripeEvent?.data?.object as unknown;
    if (!object || typeof object !== "object") throw new Error("The Stripe event has no data.object");
    switch (event.type) {
      case "payment_intent.succeeded":
        return applyIntentOutcome(tx, event, object as Stripe.PaymentIntent, "completed");
      case "payment_intent.payment_failed":
        return applyIntentOutcome(tx, event, object as Stripe.PaymentIntent, "failed");
      case "charge.refunded":
        return applyRefund(tx, event, object as Stripe.Charge);
    }
  },
};
