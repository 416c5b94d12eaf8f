// Verifying Stripe webhook deliveries with the SDK's own check (HMAC-SHA256 of the raw body under
// the endpoint's signing secret, 300 s timestamp tolerance).
//
// Which workspace? Stripe's URL carries none: `POST /api/webhooks/stripe` tries the signing secret
// of every connected Stripe connection and takes the one that verifies (a signature only verifies
// under its own secret, so at most one matches). `POST /api/webhooks/stripe/<connectionId>` names
// the connection and checks only its secret — use it when many workspaces share one deployment.
import crypto from "node:crypto";
import Stripe from "stripe";
import { getDb, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { cachedConnectionsWithSecrets, connectionsWithSecrets, type ConnectionSecrets } from "@/lib/webhooks-in/connections";
import type { WebhookEndpoint } from "@/lib/webhooks-in/route";
import type { Verification } from "@/lib/webhooks-in/types";

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

function verified(candidate: ConnectionSecrets, event: Stripe.Event): Verification {
  return {
    ok: true,
    delivery: {
      provider: "stripe",
      workspaceId: candidate.workspaceId,
      connectionId: candidate.connectionId,
      dedupeKey: event.id || `sha256:${crypto.createHash("sha256").update(JSON.stringify(event)).digest("hex")}`,
      type: event.type,
      payload: event as unknown as Prisma.InputJsonValue,
    },
  };
}

function tryAll(rawBody: string, header: string, candidates: ConnectionSecrets[]): { match?: Verification; stale?: ConnectionSecrets } {
  let stale: ConnectionSecrets | undefined;
  for (const candidate of candidates) {
    const secret = candidate.fields.webhookSecret;
    if (!secret) continue;
    const result = check(rawBody, header, secret);
    if (result.ok) return { match: verified(candidate, result.event) };
    if (result.stale) stale ??= candidate;
  }
  return { stale };
}

/** Verifies a delivery against one named connection, or against every Stripe connection's secret. */
export async function verifyStripeDelivery(db: Db, rawBody: string, header: string | null, connectionId?: string): Promise<Verification> {
  if (!header) return { ok: false, verdict: "missing", reason: "Missing Stripe-Signature header" };
  if (connectionId !== undefined) {
    const [candidate] = await connectionsWithSecrets(db, "stripe", { id: connectionId });
    if (!candidate) return { ok: false, verdict: "invalid", reason: "No connected Stripe connection has this id" };
    const owner = { workspaceId: candidate.workspaceId, connectionId: candidate.connectionId };
    if (!candidate.fields.webhookSecret) {
      return { ok: false, verdict: "invalid", reason: "This Stripe connection has no webhook signing secret: add it under Integrations → Stripe → Edit", ...owner };
    }
    const { match, stale } = tryAll(rawBody, header, [candidate]);
    if (match) return match;
    return stale ? { ok: false, verdict: "stale", reason: "Stripe-Signature timestamp is outside the 300 s tolerance", ...owner } : { ok: false, verdict: "invalid", reason: "Stripe-Signature does not match the body under this connection's signing secret", ...owner };
  }
  const cached = cachedConnectionsWithSecrets(db, "stripe");
  let candidates = await cached.value;
  let outcome = tryAll(rawBody, header, candidates);
  // A secret saved a moment ago may not be in the cached list yet.
  if (!outcome.match && cached.fromCache) {
    candidates = await cachedConnectionsWithSecrets(db, "stripe", { fresh: true }).value;
    outcome = tryAll(rawBody, header, candidates);
  }
  if (outcome.match) return outcome.match;
  if (outcome.stale) {
    return { ok: false, verdict: "stale", reason: "Stripe-Signature timestamp is outside the 300 s tolerance", workspaceId: outcome.stale.workspaceId, connectionId: outcome.stale.connectionId };
  }
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

export const stripeEndpoint: WebhookEndpoint = {
  provider: "stripe",
  verify: async (request, rawBody, params) =>
    verifyStripeDelivery(await getDb(), rawBody, request.headers.get(STRIPE_SIGNATURE_HEADER), typeof params.connectionId === "string" ? params.connectionId.slice(0, 64) : undefined),
};
