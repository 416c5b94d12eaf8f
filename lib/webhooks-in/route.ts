// The one webhook route every provider's deliveries take, /api/webhooks/<provider>/<sub-path>: find
// the provider's endpoint through the registry's `inbound` slot (404 for anything else), read the
// raw body within the size limit, verify (provider code, with a candidate lookup instead of the
// database), refuse with metadata only (429 instead, recording nothing, once a client address has
// too many refusals) — or store, answer at once, and process after the answer has gone out.
import { afterResponse } from "@/lib/http/after-response";
import { z } from "zod";
import { config, publicBaseUrl } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { ApiError, handle, json, readTextWithin } from "@/lib/http/api";
import { clientAddress } from "@/lib/http/client-address";
import type { InboundAnswer, InboundEndpoint, InboundRequest, Receipt } from "@/lib/integrations/kit/ports/inbound";
import { hasSlot, loadPort } from "@/lib/integrations/registry";
import { candidateLookup } from "@/lib/webhooks-in/connections";
import { countRefusal, processInboundEvent, refuseDelivery, scheduleDrain, storeDelivery } from "@/lib/webhooks-in/store";

/** The raw body, refused with 413 past INBOUND_WEBHOOK_BODY_LIMIT_BYTES (by the declared length or while reading). */
export async function readWebhookBody(request: Request): Promise<string> {
  const limit = config().INBOUND_WEBHOOK_BODY_LIMIT_BYTES;
  if (Number(request.headers.get("content-length") ?? "0") > limit) throw new ApiError(413, `Webhook body is larger than ${limit} bytes`);
  return readTextWithin(request, limit);
}

/** Where a delivery is addressed: `/api/webhooks/stripe/<connectionId>` → `{ provider: "stripe", path: ["<connectionId>"] }`. */
export interface WebhookTarget {
  provider: string;
  path: string[];
}

// URL-safe segments only: anything else cannot be one of our URLs, and is a 404 before any lookup.
const targetSchema = z.object({
  provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  path: z
    .array(z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/))
    .max(8)
    .optional()
    .transform((path) => path ?? []),
});

const NOT_FOUND = "No webhook endpoint at this address: see the README's provider webhook URLs";

/** The endpoint a sub-path names: an exact key, else a key whose `:name` segments take the path's segments. */
function matchEndpoint(endpoints: Record<string, InboundEndpoint>, path: string[]): { endpoint: InboundEndpoint; params: Record<string, string> } | null {
  const exact = path.join("/");
  if (Object.hasOwn(endpoints, exact)) return { endpoint: endpoints[exact]!, params: {} };
  for (const [key, endpoint] of Object.entries(endpoints)) {
    const parts = key === "" ? [] : key.split("/");
    if (parts.length !== path.length || !parts.some((p) => p.startsWith(":"))) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      if (!part.startsWith(":")) return part === path[i];
      params[part.slice(1)] = path[i]!;
      return true;
    });
    if (matches) return { endpoint, params };
  }
  return null;
}

async function endpointFor(rawTarget: unknown): Promise<{ provider: string; endpoint: InboundEndpoint; params: Record<string, string> }> {
  const target = targetSchema.safeParse(rawTarget);
  if (!target.success || !hasSlot(target.data.provider, "inbound")) throw new ApiError(404, NOT_FOUND);
  const { provider, path } = target.data;
  const match = matchEndpoint((await loadPort(provider, "inbound")).endpoints, path);
  if (!match) throw new ApiError(404, NOT_FOUND);
  return { provider, ...match };
}

// no-transform: a two-line acknowledgement is not worth compressing (it costs more CPU than it saves).
const NO_STORE = { "cache-control": "no-store, no-transform" };

function send(answer: InboundAnswer): Response {
  switch (answer.kind) {
    case "json":
      return json(answer.body, { status: answer.status, headers: NO_STORE });
    case "text":
      return new Response(answer.body, { status: answer.status, headers: { "content-type": answer.contentType, ...NO_STORE } });
    case "refused":
      throw new ApiError(answer.status, answer.reason);
  }
}

function acknowledgement(receipt: Receipt): InboundAnswer {
  return { kind: "json", status: 200, body: { received: true, id: receipt.eventId, duplicate: receipt.duplicate } };
}

/**
 * The route handler for one method. The dynamic route (app/api/webhooks/[provider]/[[...path]])
 * reads the target from its params; an alias URL passes a fixed one.
 */
export function inboundWebhookRoute(method: "GET" | "POST", fixedTarget?: WebhookTarget) {
  return handle(async (request, context) => {
    const receivedAt = new Date();
    const { provider, endpoint, params } = await endpointFor(fixedTarget ?? (await context.params));
    const url = new URL(request.url);
    const base = { url, publicUrl: `${publicBaseUrl()}${url.pathname}${url.search}`, headers: request.headers, params, receivedAt };
    if (method === "GET") {
      if (!endpoint.get) throw new ApiError(405, "This webhook address takes POST requests only", undefined, { allow: "POST" });
      const db = await getDb();
      const answer = await endpoint.get({ ...base, method, rawBody: "" } satisfies InboundRequest, candidateLookup(db, provider));
      // A refused URL check counts like a refused delivery: guessing a URL's secret is limited too.
      if (answer.kind === "refused") await countRefusal(db, clientAddress(request.headers), receivedAt);
      return send(answer);
    }
    const rawBody = await readWebhookBody(request);
    const bytes = Buffer.byteLength(rawBody);
    const db = await getDb();
    const verification = await endpoint.verify({ ...base, method, rawBody } satisfies InboundRequest, candidateLookup(db, provider));
    if (!verification.ok) return refuseDelivery(db, provider, verification, bytes, { address: clientAddress(request.headers), at: receivedAt });
    // Stored under the provider whose endpoint verified it, so its own port reads it back.
    const receipt = await storeDelivery(db, { ...verification.delivery, provider }, bytes);
    // New events are processed in batches by the drain; a redelivered failed event is tried again.
    if (receipt.state === "received") await afterResponse(() => scheduleDrain(db));
    else if (receipt.state === "failed") await afterResponse(() => processInboundEvent(db, receipt.eventId));
    return send(endpoint.answer ? endpoint.answer(receipt) : acknowledgement(receipt));
  });
}
