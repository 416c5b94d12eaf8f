// What payment changes from inbound webhooks do (whichever provider reported them): an intent that
// succeeded or failed updates its Payment and the linked Registration (metadata.registrationId);
// refunds are recorded. Runs in the transaction that marks the event processed, and raises
// payment.* events in it too. Registered for the `payment.*` changes in lib/webhooks-in/handlers.ts.
import { beforeCommit, transactionLocal } from "@/lib/db/after-commit";
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";
import type { ChangeOf, ChangeOrigin, InboundChange } from "@/lib/integrations/kit/ports/inbound";
import { nextPaymentStatus, statusesBefore } from "@/lib/payments/status";

type Tx = Prisma.TransactionClient;

type Payment = Prisma.PaymentGetPayload<object>;

/**
 * What the inbound drain's batch transaction has read of payments and registrations, read for the
 * whole batch at once (preparePaymentChanges) instead of a few queries per event, and kept
 * current as the handlers write. Only inside a transaction; a key that is missing is read from the
 * database as before. In a prepared batch, new payments are not inserted one by one either: they
 * wait in `pending` (changes to them are made there) and go in with one INSERT before the commit.
 */
interface BatchReads {
  /** Set by preparePaymentChanges: new payments wait in `pending`. */
  batched: boolean;
  /** workspace + intent → a payment this transaction created, not inserted yet. */
  pending: Map<string, Payment>;
  /** workspace + intent → its Payment row, or null when there is none. */
  payments: Map<string, Payment | null>;
  /** workspace + intent → the first registration whose paymentIntentId is that intent, or null. */
  registrationByIntent: Map<string, string | null>;
  /** workspace + registration id → whether that registration exists. */
  registrationExists: Map<string, boolean>;
}

const key = (workspaceId: string, id: string) => `${workspaceId}\u0000${id}`;
const batchReads = () =>
  transactionLocal<BatchReads>("payments.batch-reads", () => ({
    batched: false,
    pending: new Map(),
    payments: new Map(),
    registrationByIntent: new Map(),
    registrationExists: new Map(),
  }));

async function findPayment(tx: Tx, workspaceId: string, intentId: string): Promise<Payment | null> {
  const known = batchReads()?.payments.get(key(workspaceId, intentId));
  if (known !== undefined) return known;
  return tx.payment.findUnique({ where: { workspaceId_paymentIntentId: { workspaceId, paymentIntentId: intentId } } });
}

function remember(payment: Payment): Payment {
  batchReads()?.payments.set(key(payment.workspaceId, payment.paymentIntentId), payment);
  return payment;
}

type NewPayment = Pick<Payment, "workspaceId" | "paymentIntentId" | "amountMinor" | "currency" | "registrationId"> &
  Partial<Pick<Payment, "status" | "lastError" | "amountReceivedMinor">> & { metadata: Record<string, string> };

/** The columns a payment is inserted with (the rest are the database's: id, timestamps). */
function insertable(payment: Payment): Prisma.PaymentCreateManyInput {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, metadata, ...columns } = payment;
  return { ...columns, metadata: metadata as Prisma.InputJsonValue };
}

async function createPayment(tx: Tx, data: NewPayment): Promise<Payment> {
  const reads = batchReads();
  if (!reads?.batched) return remember(await tx.payment.create({ data }));
  // The defaults of the Payment model; id and timestamps are given when it is inserted.
  const now = new Date();
  const payment: Payment = { id: "", status: "pending", lastError: null, amountReceivedMinor: null, amountRefundedMinor: 0, createdAt: now, updatedAt: now, ...data };
  if (!reads.pending.size) {
    await beforeCommit(async () => {
      await tx.payment.createMany({ data: [...reads.pending.values()].map(insertable) });
      reads.pending.clear();
    });
  }
  reads.pending.set(key(payment.workspaceId, payment.paymentIntentId), payment);
  return remember(payment);
}

async function updatePayment(tx: Tx, payment: Payment, data: Partial<Pick<Payment, "status" | "lastError" | "amountReceivedMinor" | "amountRefundedMinor">>): Promise<Payment> {
  const pending = batchReads()?.pending.get(key(payment.workspaceId, payment.paymentIntentId));
  if (pending) return Object.assign(pending, data);
  return remember(await tx.payment.update({ where: { id: payment.id }, data }));
}

/** The registration a payment intent belongs to, only ever within the event's workspace. */
async function registrationFor(tx: Tx, workspaceId: string, intentId: string, metadata: Record<string, string>): Promise<{ id: string } | null> {
  const reads = batchReads();
  if (metadata.registrationId) {
    const exists = reads?.registrationExists.get(key(workspaceId, metadata.registrationId));
    if (exists) return { id: metadata.registrationId };
    if (exists === undefined) {
      const byMetadata = await tx.registration.findFirst({ where: { id: metadata.registrationId, workspaceId }, select: { id: true } });
      if (byMetadata) return byMetadata;
    }
  }
  const known = reads?.registrationByIntent.get(key(workspaceId, intentId));
  if (known !== undefined) return known === null ? null : { id: known };
  return tx.registration.findFirst({ where: { workspaceId, paymentIntentId: intentId }, select: { id: true } });
}

/**
 * Reads, for a batch of changes about to be applied in one transaction, the payments and
 * registrations their handlers look up: three queries instead of two or three per change.
 */
export async function preparePaymentChanges(tx: Tx, items: { change: InboundChange; origin: ChangeOrigin }[]): Promise<void> {
  const reads = batchReads();
  if (!reads) return;
  reads.batched = true;
  // workspace → the intent ids, and the registration ids named in metadata, the batch mentions.
  const intents = new Map<string, Set<string>>();
  const registrations = new Map<string, Set<string>>();
  const add = (into: Map<string, Set<string>>, workspaceId: string, id: string) => (into.get(workspaceId) ?? into.set(workspaceId, new Set()).get(workspaceId)!).add(id);
  for (const { change, origin } of items) {
    if (change.kind !== "payment.intent_outcome" && change.kind !== "payment.refund") continue;
    add(intents, origin.workspaceId, change.intentId);
    if (change.metadata.registrationId) add(registrations, origin.workspaceId, change.metadata.registrationId);
  }
  if (!intents.size) return;
  const byWorkspace = (ids: Map<string, Set<string>>, field: "paymentIntentId" | "id") => [...ids].map(([workspaceId, set]) => ({ workspaceId, [field]: { in: [...set] } }));
  const [payments, linked, named] = await Promise.all([
    tx.payment.findMany({ where: { OR: byWorkspace(intents, "paymentIntentId") } }),
    tx.registration.findMany({ where: { OR: byWorkspace(intents, "paymentIntentId") }, select: { id: true, workspaceId: true, paymentIntentId: true }, orderBy: { id: "asc" } }),
    registrations.size ? tx.registration.findMany({ where: { OR: byWorkspace(registrations, "id") }, select: { id: true, workspaceId: true } }) : [],
  ]);
  for (const [workspaceId, set] of intents) {
    for (const intentId of set) {
      reads.payments.set(key(workspaceId, intentId), null);
      reads.registrationByIntent.set(key(workspaceId, intentId), null);
    }
  }
  for (const payment of payments) reads.payments.set(key(payment.workspaceId, payment.paymentIntentId), payment);
  for (const registration of linked) {
    const at = key(registration.workspaceId, registration.paymentIntentId!);
    if (reads.registrationByIntent.get(at) === null) reads.registrationByIntent.set(at, registration.id);
  }
  for (const [workspaceId, set] of registrations) for (const id of set) reads.registrationExists.set(key(workspaceId, id), false);
  for (const registration of named) reads.registrationExists.set(key(registration.workspaceId, registration.id), true);
}

/** The Payment row of an intent, created from the change when Plugboard did not create the intent itself. */
async function paymentFor(tx: Tx, workspaceId: string, intent: { intentId: string; amount: number; currency: string; metadata: Record<string, string> }) {
  const existing = await findPayment(tx, workspaceId, intent.intentId);
  if (existing) return existing;
  const registration = await registrationFor(tx, workspaceId, intent.intentId, intent.metadata);
  return createPayment(tx, {
    workspaceId,
    paymentIntentId: intent.intentId,
    amountMinor: intent.amount,
    currency: intent.currency,
    registrationId: registration?.id ?? null,
    metadata: intent.metadata,
  });
}

/** Moves the registration's payment status forward (one conditional update: no read first). */
async function updateRegistration(tx: Tx, workspaceId: string, registrationId: string, intentId: string, status: PaymentStatus, amountPaidMinor?: number): Promise<void> {
  // It may now be the registration of this intent: read that from the database from here on.
  batchReads()?.registrationByIntent.delete(key(workspaceId, intentId));
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
  const existing = await findPayment(tx, workspaceId, change.intentId);
  let registrationId: string | null;
  if (existing) {
    if (!nextPaymentStatus(existing.status, incoming)) return; // already there, or a late event that must not undo a later state
    await updatePayment(tx, existing, { status: incoming, lastError, ...received });
    registrationId = existing.registrationId;
  } else {
    // An intent Plugboard did not create (or whose creation it did not record): recorded from the change.
    registrationId = (await registrationFor(tx, workspaceId, change.intentId, change.metadata))?.id ?? null;
    await createPayment(tx, {
      workspaceId,
      paymentIntentId: change.intentId,
      amountMinor: change.amount,
      currency: change.currency,
      registrationId,
      metadata: change.metadata,
      status: incoming,
      lastError,
      ...received,
    });
  }
  if (registrationId) await updateRegistration(tx, workspaceId, registrationId, change.intentId, incoming, incoming === "completed" ? change.amountReceived : undefined);
  const data = { paymentIntentId: change.intentId, amount: change.amount, currency: change.currency, registrationId };
  if (incoming === "completed") await emitEvent(tx, { workspaceId, type: "payment.succeeded", data });
  else await emitEvent(tx, { workspaceId, type: "payment.failed", data: { ...data, message: lastError } });
}

export async function applyRefund(tx: Tx, change: ChangeOf<"payment.refund">, origin: ChangeOrigin): Promise<void> {
  const payment = await paymentFor(tx, origin.workspaceId, change);
  // A partial refund is recorded as an amount; the status changes only once everything is refunded.
  const status = change.fullyRefunded ? (nextPaymentStatus(payment.status, "refunded") ?? payment.status) : payment.status;
  await updatePayment(tx, payment, { amountRefundedMinor: Math.max(payment.amountRefundedMinor, change.amountRefunded), status });
  if (change.fullyRefunded && payment.registrationId) await updateRegistration(tx, origin.workspaceId, payment.registrationId, change.intentId, "refunded");
}

/** The handlers of the `payment.*` changes, by kind. */
export const paymentChanges = {
  "payment.intent_outcome": applyIntentOutcome,
  "payment.refund": applyRefund,
};
