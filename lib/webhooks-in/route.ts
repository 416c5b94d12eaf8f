// The one webhook route shape every provider uses: read the raw body within the size limit,
// verify (provider code), refuse with metadata only — or store, answer at once, and process after
// the answer has gone out.
import { after } from "next/server";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { ApiError, handle, json, readTextWithin } from "@/lib/http/api";
import { processInboundEvent, refuseDelivery, scheduleDrain, storeDelivery } from "@/lib/webhooks-in/store";
import type { Receipt, Verification } from "@/lib/webhooks-in/types";

type RouteParams = Record<string, string | string[] | undefined>;

export interface WebhookEndpoint {
  provider: string;
  /** Checks the delivery against the raw body; never throws for a bad signature (answers a refusal). */
  verify(request: Request, rawBody: string, params: RouteParams): Promise<Verification>;
  /** The acknowledgement; JSON `{ received, id, duplicate }` unless the provider expects something else. */
  answer?(receipt: Receipt): Response;
}

/**
 * Runs `task` after the answer is sent (Next's `after`). Outside a Next request — tests, scripts —
 * there is no "after", so it runs before returning.
 */
export async function afterResponse(task: () => Promise<unknown>): Promise<void> {
  try {
    after(task);
    return;
  } catch {
    // not inside a request
  }
  await task();
}

/** The raw body, refused with 413 past INBOUND_WEBHOOK_BODY_LIMIT_BYTES (by the declared length or while reading). */
export async function readWebhookBody(request: Request): Promise<string> {
  const limit = config().INBOUND_WEBHOOK_BODY_LIMIT_BYTES;
  if (Number(request.headers.get("content-length") ?? "0") > limit) throw new ApiError(413, `Webhook body is larger than ${limit} bytes`);
  return readTextWithin(request, limit);
}

export function webhookRoute(endpoint: WebhookEndpoint) {
  return handle(async (request, context) => {
    const rawBody = await readWebhookBody(request);
    const bytes = Buffer.byteLength(rawBody);
    const verification = await endpoint.verify(request, rawBody, (await context.params) ?? {});
    const db = await getDb();
    if (!verification.ok) return refuseDelivery(db, endpoint.provider, verification, bytes);
    const receipt = await storeDelivery(db, verification.delivery, bytes);
    // New events are processed in batches by the drain; a redelivered failed event is tried again.
    if (receipt.state === "received") await afterResponse(() => scheduleDrain(db));
    else if (receipt.state === "failed") await afterResponse(() => processInboundEvent(db, receipt.eventId));
    // no-transform: a two-line acknowledgement is not worth compressing (it costs more CPU than it saves).
    return endpoint.answer ? endpoint.answer(receipt) : json({ received: true, id: receipt.eventId, duplicate: receipt.duplicate }, { headers: { "cache-control": "no-store, no-transform" } });
  });
}
