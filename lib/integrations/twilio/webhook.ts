// Verifying Twilio callbacks (message status and incoming messages) with the SDK's own check:
// X-Twilio-Signature is an HMAC-SHA1, under the account's auth token, of the full URL Twilio
// called plus the sorted POST parameters. Behind a reverse proxy the URL this server sees is not
// the one Twilio called, so the check uses the configured public URL (PUBLIC_URL) with the
// request's path and query.
import twilio from "twilio";
import { publicBaseUrl } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { connectionsWithSecrets } from "@/lib/webhooks-in/connections";
import type { WebhookEndpoint } from "@/lib/webhooks-in/route";
import type { Verification } from "@/lib/webhooks-in/types";

export const TWILIO_SIGNATURE_HEADER = "x-twilio-signature";
export type TwilioCallbackKind = "status" | "inbound";

/** The URL Twilio signed: the public base URL, this request's path and query. */
export function signedUrl(request: Request): string {
  const url = new URL(request.url);
  return `${publicBaseUrl()}${url.pathname}${url.search}`;
}

/** Twilio posts flat form fields; a repeated name keeps its last value. */
export function formParams(rawBody: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(rawBody));
}

export async function verifyTwilioDelivery(db: Db, request: Request, rawBody: string, kind: TwilioCallbackKind): Promise<Verification> {
  const signature = request.headers.get(TWILIO_SIGNATURE_HEADER);
  if (!signature) return { ok: false, verdict: "missing", reason: "Missing X-Twilio-Signature header" };
  const params = formParams(rawBody);
  const accountSid = params.AccountSid ?? "";
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) return { ok: false, verdict: "invalid", reason: "The callback names no Twilio account (AccountSid)" };
  const candidates = await connectionsWithSecrets(db, "twilio", { settings: { path: ["fields", "accountSid"], equals: accountSid } });
  // For an incoming message, the workspace whose sending number received it comes first.
  if (kind === "inbound") candidates.sort((a, b) => Number(b.fields.fromNumber === params.To) - Number(a.fields.fromNumber === params.To));
  const url = signedUrl(request);
  for (const candidate of candidates) {
    if (!candidate.fields.authToken || !twilio.validateRequest(candidate.fields.authToken, signature, url, params)) continue;
    const messageSid = params.MessageSid ?? params.SmsSid ?? "";
    const status = params.MessageStatus ?? params.SmsStatus ?? "";
    if (!messageSid) return { ok: false, verdict: "invalid", reason: "The callback has no MessageSid", workspaceId: candidate.workspaceId, connectionId: candidate.connectionId };
    return {
      ok: true,
      delivery: {
        provider: "twilio",
        workspaceId: candidate.workspaceId,
        connectionId: candidate.connectionId,
        // One callback per status change; one delivery per incoming message.
        dedupeKey: kind === "status" ? `${messageSid}:${status}` : messageSid,
        type: kind === "status" ? "message.status" : "message.inbound",
        payload: params,
      },
    };
  }
  const only = candidates.length === 1 ? candidates[0]! : undefined;
  return {
    ok: false,
    verdict: "invalid",
    reason: candidates.length
      ? `X-Twilio-Signature does not match ${url} under the account's auth token (is PUBLIC_URL the address Twilio calls?)`
      : "No connected Twilio connection has this AccountSid",
    workspaceId: only?.workspaceId ?? null,
    connectionId: only?.connectionId ?? null,
  };
}

export const twilioStatusEndpoint: WebhookEndpoint = {
  provider: "twilio",
  verify: async (request, rawBody) => verifyTwilioDelivery(await getDb(), request, rawBody, "status"),
};

export const twilioInboundEndpoint: WebhookEndpoint = {
  provider: "twilio",
  verify: async (request, rawBody) => verifyTwilioDelivery(await getDb(), request, rawBody, "inbound"),
  // Twilio reads the answer to an incoming message as TwiML: an empty <Response/> sends no reply.
  answer: () => new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', { status: 200, headers: { "content-type": "text/xml; charset=utf-8", "cache-control": "no-store, no-transform" } }),
};
