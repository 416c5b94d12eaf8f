// Twilio's inbound webhooks (the `inbound` slot): message status callbacks
// (/api/webhooks/twilio/status) and incoming messages (/api/webhooks/twilio/inbound), verified with
// the SDK's own check: X-Twilio-Signature is an HMAC-SHA1, under the account's auth token, of the
// full URL Twilio called plus the sorted POST parameters. Behind a reverse proxy the URL this
// server sees is not the one Twilio called, so the check uses the public URL the core computes
// (PUBLIC_URL with the request's path and query).
import twilio from "twilio";
import type { CandidateLookup, InboundAnswer, InboundChange, InboundPort, InboundRequest, StoredEvent, Verification } from "@/lib/integrations/kit/ports/inbound";

export const TWILIO_SIGNATURE_HEADER = "x-twilio-signature";
export type TwilioCallbackKind = "status" | "inbound";

/** Twilio posts flat form fields; a repeated name keeps its last value. */
export function formParams(rawBody: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(rawBody));
}

export async function verifyTwilioDelivery(lookup: CandidateLookup, request: InboundRequest, kind: TwilioCallbackKind): Promise<Verification> {
  const signature = request.headers.get(TWILIO_SIGNATURE_HEADER);
  if (!signature) return { ok: false, verdict: "missing", reason: "Missing X-Twilio-Signature header" };
  const params = formParams(request.rawBody);
  const accountSid = params.AccountSid ?? "";
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) return { ok: false, verdict: "invalid", reason: "The callback names no Twilio account (AccountSid)" };
  const candidates = await lookup.withField("accountSid", accountSid);
  // For an incoming message, the workspace whose sending number received it comes first.
  if (kind === "inbound") candidates.sort((a, b) => Number(b.fields.fromNumber === params.To) - Number(a.fields.fromNumber === params.To));
  const url = request.publicUrl;
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

function params(event: StoredEvent): Record<string, string> {
  const p = event.payload;
  if (!p || typeof p !== "object" || Array.isArray(p)) return {};
  return Object.fromEntries(Object.entries(p).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

function interpret(event: StoredEvent): InboundChange[] {
  const p = params(event);
  const sid = p.MessageSid ?? p.SmsSid;
  if (event.type === "message.status") {
    const status = p.MessageStatus ?? p.SmsStatus;
    if (!sid || !status) throw new Error("Status callback without MessageSid and MessageStatus");
    const code = p.ErrorCode ? Number(p.ErrorCode) : null;
    const errorCode = code !== null && Number.isInteger(code) ? code : null;
    return [{ kind: "message.status", sid, status, errorCode, errorMessage: errorCode === null ? null : (p.ErrorMessage ?? `Twilio error ${errorCode}`) }];
  }
  if (!sid || !p.From || !p.To) throw new Error("Incoming message without MessageSid, From and To");
  return [{ kind: "message.received", sid, from: p.From, to: p.To, body: p.Body ?? "" }];
}

// Twilio reads the answer to an incoming message as TwiML: an empty <Response/> sends no reply.
const EMPTY_TWIML: InboundAnswer = { kind: "text", status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', contentType: "text/xml; charset=utf-8" };

export const inbound: InboundPort = {
  endpoints: {
    status: { verify: (request, lookup) => verifyTwilioDelivery(lookup, request, "status") },
    inbound: { verify: (request, lookup) => verifyTwilioDelivery(lookup, request, "inbound"), answer: () => EMPTY_TWIML },
  },
  interprets: (type) => type === "message.status" || type === "message.inbound",
  interpret,
};
