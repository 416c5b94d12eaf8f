// POST /api/payments/intents — a Stripe payment intent (amount in minor units, currency default
// eur, metadata, optional registrationId; Idempotency-Key header or idempotencyKey field).
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { createPaymentIntent, paymentIntentBodySchema } from "@/lib/payments/intents";

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  const body = await readJson(request, paymentIntentBodySchema);
  return json(await createPaymentIntent(user, body, request.headers.get("idempotency-key")), 201);
});
