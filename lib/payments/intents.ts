// POST /api/payments/intents: a Stripe payment intent for a registration (or a free-standing
// amount), created through the real SDK and the call pipeline with an idempotency key, and
// remembered as a pending Payment linked to the registration.
import crypto from "node:crypto";
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { ApiError, badRequest, notFound } from "@/lib/http/api";
import { openCapability } from "@/lib/connections/open";
import { nextPaymentStatus } from "@/lib/payments/status";

export const paymentIntentBodySchema = z.strictObject({
  registrationId: z.string().min(1).max(64).optional(),
  amount: z
    .number({ error: "amount is the amount in minor units (cents), e.g. 4900 for 49.00" })
    .int("amount is in minor units: a whole number")
    .min(50, "amount must be at least 50 minor units (Stripe's minimum)")
    .max(99_999_999)
    .optional(),
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, "currency is a three-letter ISO code such as eur")
    .transform((v) => v.toLowerCase())
    .default("eur"),
  metadata: z
    .record(z.string().max(40), z.string().max(500))
    .refine((m) => Object.keys(m).length <= 40, "at most 40 metadata keys")
    .default({}),
  idempotencyKey: z.string().min(1).max(255).optional(),
});

export type PaymentIntentBody = z.infer<typeof paymentIntentBodySchema>;

export interface PaymentIntentAnswer {
  id: string;
  clientSecret: string | null;
  status: string;
  amount: number;
  currency: string;
  registrationId: string | null;
  paymentId: string;
}

export async function createPaymentIntent(user: SessionUser, body: PaymentIntentBody, idempotencyHeader?: string | null): Promise<PaymentIntentAnswer> {
  const db = await getDb();
  const registration = body.registrationId
    ? await db.registration.findFirst({ where: { id: body.registrationId, workspaceId: user.workspaceId }, include: { session: { select: { priceMinor: true, currency: true } } } })
    : null;
  if (body.registrationId && !registration) throw notFound(`No registration ${body.registrationId.slice(0, 64)} in this workspace`);
  if (registration?.paymentStatus === "completed") throw new ApiError(409, "This registration is already paid");
  const amount = body.amount ?? registration?.session.priceMinor ?? undefined;
  if (amount === undefined || amount === null) throw badRequest("Give an amount (minor units), or a registrationId whose webinar has a price", { amount: "Required" });
  const currency = body.amount === undefined && registration ? registration.session.currency.toLowerCase() : body.currency;

  const { connection, port } = await openCapability(user.workspaceId, "payments", { actor: actorOf(user) });

  const metadata = { ...body.metadata, ...(registration ? { registrationId: registration.id } : {}) };
  // The same registration and amount always map to the same key, so a double click or a retried
  // request gets the intent that already exists.
  const idempotencyKey =
    idempotencyHeader?.trim() || body.idempotencyKey || (registration ? `plugboard-registration-${registration.id}-${amount}-${currency}` : `plugboard-${crypto.randomUUID()}`);
  const timeoutMs = config().PIPELINE_TIMEOUT_MS;
  const intent = await connection.run(
    "paymentIntents.create",
    (signal) => port.createIntent(connection.credentials.fields, { amount, currency, metadata, idempotencyKey }, { signal, timeoutMs }),
    `${connection.providerName} did not create the payment intent`,
    { timeoutMs },
  );
  const payment = await db.$transaction(async (tx) => {
    const saved = await tx.payment.upsert({
      where: { workspaceId_paymentIntentId: { workspaceId: user.workspaceId, paymentIntentId: intent.id } },
      create: {
        workspaceId: user.workspaceId,
        paymentIntentId: intent.id,
        amountMinor: intent.amount,
        currency: intent.currency,
        registrationId: registration?.id ?? null,
        metadata,
      },
      update: {},
    });
    if (registration) {
      const status = nextPaymentStatus(registration.paymentStatus, "pending") ?? registration.paymentStatus;
      await tx.registration.update({ where: { id: registration.id }, data: { paymentIntentId: intent.id, paymentStatus: status } });
    }
    return saved;
  });
  return {
    id: intent.id,
    clientSecret: intent.clientSecret,
    status: intent.status,
    amount: intent.amount,
    currency: intent.currency,
    registrationId: registration?.id ?? null,
    paymentId: payment.id,
  };
}
