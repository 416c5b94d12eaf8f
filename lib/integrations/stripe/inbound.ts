// Stripe's inbound webhooks (the `inbound` slot): deliveries verified with the SDK's own check
// (HMAC-SHA256 of the raw body under the endpoint's signing secret, 300 s timestamp tolerance),
// and payment events read into payment changes.
//
// Which workspace? Stripe's URL carries none: `POST /api/webhooks/stripe` tries the signing secret
// of every connected Stripe connection and takes the one that verifies (a signature only verifies
// under its own secret, so at most one matches). `POST /api/webhooks/stripe/<connectionId>` names
// the connection and checks only its secret — use it when many workspaces share one deployment.
import crypto from "node:crypto";
import Stripe from "stripe";
import { z } from "zod";
import type { CandidateConnection, CandidateLookup, InboundChange, InboundPort, JsonObject, StoredEvent, Verification } from "@/lib/integrations/kit/ports/inbound";

export const STRIPE_SIGNATURE_HEADER = "stripe-signature";

type Check = { ok: true; event: Stripe.Event } | { ok: false; stale: boolean };

function check(rawBody: string, header: string, secret: string): Check {
  try {
    return { ok: true, event: Stripe.webhooks.constructEvent(rawBody, header, secret) };
  } catch (error) {
    // The SDK checks the signature first, so "outside the tolerance zone" means the signature was right.
    return { ok: false, stale: error instanceof Error && /tolerance/i.test(error.message) };
  }
}

function verified(candidate: CandidateConnection, event: Stripe.Event): Verification {
  return {
    ok: true,
    delivery: {
      provider: "stripe",
      workspaceId: candidate.workspaceId,
      connectionId: candidate.connectionId,
      dedupeKey: event.id || `sha256:${crypto.createHash("sha256").update(JSON.stringify(event)).digest("hex")}`,
      type: event.type,
      payload: event as unknown as JsonObject,
    },
  };
}

function tryAll(rawBody: string, header: string, candidates: CandidateConnection[]): { match?: Verification; stale?: CandidateConnection } {
  let stale: CandidateConnection | undefined;
  for (const candidate of candidates) {
    const secret = candidate.fields.webhookSecret;
    if (!secret) continue;
    const result = check(rawBody, header, secret);
    if (result.ok) return { match: verified(candidate, result.event) };
    if (result.stale) stale ??= candidate;
  }
  return { stale };
}

const STALE_REASON = "Stripe-Signature timestamp is outside the 300 s tolerance";

/** Verifies a delivery against one named connection, or against every Stripe connection's secret. */
export async function verifyStripeDelivery(lookup: CandidateLookup, rawBody: string, header: string | null, connectionId?: string): Promise<Verification> {
  if (!header) return { ok: false, verdict: "missing", reason: "Missing Stripe-Signature header" };
  if (connectionId !== undefined) {
    const candidate = await lookup.byId(connectionId);
    if (!candidate) return { ok: false, verdict: "invalid", reason: "No connected Stripe connection has this id" };
    const owner = { workspaceId: candidate.workspaceId, connectionId: candidate.connectionId };
    if (!candidate.fields.webhookSecret) {
      return { ok: false, verdict: "invalid", reason: "This Stripe connection has no webhook signing secret: add it under Integrations → Stripe → Edit", ...owner };
    }
    const { match, stale } = tryAll(rawBody, header, [candidate]);
    if (match) return match;
    return stale
      ? { ok: false, verdict: "stale", reason: STALE_REASON, ...owner }
      : { ok: false, verdict: "invalid", reason: "Stripe-Signature does not match the body under this connection's signing secret", ...owner };
  }
  const cached = await lookup.all();
  let candidates = cached.candidates;
  let outcome = tryAll(rawBody, header, candidates);
  // A secret saved a moment ago may not be in the cached list yet.
  if (!outcome.match && cached.fromCache) {
    candidates = (await lookup.all({ fresh: true })).candidates;
    outcome = tryAll(rawBody, header, candidates);
  }
  if (outcome.match) return outcome.match;
  if (outcome.stale) return { ok: false, verdict: "stale", reason: STALE_REASON, workspaceId: outcome.stale.workspaceId, connectionId: outcome.stale.connectionId };
  // With a single Stripe connection the refusal can only concern it: show it on that workspace's page.
  const withSecret = candidates.filter((c) => c.fields.webhookSecret);
  const only = withSecret.length === 1 ? withSecret[0]! : undefined;
  return {
    ok: false,
    verdict: "invalid",
    reason: "Stripe-Signature does not match the body under any connected Stripe webhook signing secret",
    workspaceId: only?.workspaceId ?? null,
    connectionId: only?.connectionId ?? null,
  };
}

const INTERPRETED = new Set(["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"]);

// Only the fields Plugboard reads; Stripe objects carry many more.
const metadataSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((m) => Object.fromEntries(Object.entries(m ?? {}).filter(([, v]) => typeof v === "string")) as Record<string, string>);

const intentSchema = z.object({
  id: z.string().min(1),
  amount: z.number().int(),
  currency: z.string().min(1),
  amount_received: z.number().int().nullish(),
  metadata: metadataSchema,
  last_payment_error: z.object({ message: z.string().nullish() }).nullish(),
});

const chargeSchema = z.object({
  amount: z.number().int(),
  currency: z.string().min(1),
  amount_refunded: z.number().int(),
  refunded: z.boolean().nullish(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  metadata: metadataSchema,
});

function parse<T>(schema: z.ZodType<T>, object: unknown, event: StoredEvent, what: string): T {
  const parsed = schema.safeParse(object);
  if (!parsed.success)
    throw new Error(
      `The Stripe ${event.type} event's data.object is not a ${what}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(object)"} ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

function interpret(event: StoredEvent): InboundChange[] {
  const payload = event.payload as { data?: { object?: unknown } } | null;
  const object = payload?.data?.object;
  if (!object || typeof object !== "object") throw new Error("The Stripe event has no data.object");
  if (event.type === "charge.refunded") {
    const charge = parse(chargeSchema, object, event, "charge");
    const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
    if (!intentId) return []; // a charge without a payment intent is not one of ours
    const fullyRefunded = Boolean(charge.refunded) || charge.amount_refunded >= charge.amount;
    return [
      { kind: "payment.refund", intentId, amount: charge.amount, currency: charge.currency, amountRefunded: charge.amount_refunded, fullyRefunded, metadata: charge.metadata },
    ];
  }
  const intent = parse(intentSchema, object, event, "payment intent");
  const succeeded = event.type === "payment_intent.succeeded";
  return [
    {
      kind: "payment.intent_outcome",
      intentId: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      amountReceived: intent.amount_received ?? intent.amount,
      metadata: intent.metadata,
      outcome: succeeded ? "succeeded" : "failed",
      error: succeeded ? null : (intent.last_payment_error?.message ?? null),
    },
  ];
}

export const inbound: InboundPort = {
  endpoints: {
    "": { verify: (request, lookup) => verifyStripeDelivery(lookup, request.rawBody, request.headers.get(STRIPE_SIGNATURE_HEADER)) },
    ":connectionId": {
      verify: (request, lookup) => verifyStripeDelivery(lookup, request.rawBody, request.headers.get(STRIPE_SIGNATURE_HEADER), request.params.connectionId!.slice(0, 64)),
    },
  },
  interprets: (type) => INTERPRETED.has(type),
  interpret,
};
