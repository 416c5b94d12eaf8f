// Signing outgoing webhooks the Standard Webhooks way (https://www.standardwebhooks.com):
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
// where key is the base64-decoded part of the `whsec_…` secret — plus the same HMAC in hex as
// `X-Webhook-Signature: sha256=<hex>` for receivers that only want one header to compare.
// During a secret rotation both secrets sign: the headers carry both signatures.
import crypto from "node:crypto";

export const SECRET_PREFIX = "whsec_";
export const SECRET_BYTES = 32;

/** A new secret: `whsec_` + base64 of 32 random bytes (the spec allows 24–64). */
export function generateSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(SECRET_BYTES).toString("base64");
}

function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
  if (key.length < 24 || key.length > 64) throw new Error("A webhook secret must be whsec_ followed by base64 of 24 to 64 bytes");
  return key;
}

export interface SignedMessage {
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  body: string;
}

function hmac(secret: string, message: SignedMessage): Buffer {
  return crypto.createHmac("sha256", keyOf(secret)).update(`${message.id}.${message.timestamp}.${message.body}`).digest();
}

/** The Standard Webhooks signature list: `v1,<b64>` per secret, space-separated. */
export function standardSignature(secrets: readonly string[], message: SignedMessage): string {
  return secrets.map((s) => `v1,${hmac(s, message).toString("base64")}`).join(" ");
}

/** The simple signature list: `sha256=<hex>` per secret, comma-separated. */
export function simpleSignature(secrets: readonly string[], message: SignedMessage): string {
  return secrets.map((s) => `sha256=${hmac(s, message).toString("hex")}`).join(",");
}

/** Every signing header of one attempt. `secrets` is the current secret first, then the previous one while it is valid. */
export function signatureHeaders(secrets: readonly string[], message: SignedMessage, eventType: string): Record<string, string> {
  const timestamp = String(message.timestamp);
  return {
    "webhook-id": message.id,
    "webhook-timestamp": timestamp,
    "webhook-signature": standardSignature(secrets, message),
    "x-webhook-id": message.id,
    "x-webhook-event": eventType,
    "x-webhook-timestamp": timestamp,
    "x-webhook-signature": simpleSignature(secrets, message),
  };
}

/** Headers a custom header may not replace: the signature, framing and routing of the request. */
export const RESERVED_HEADERS = new Set([
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "x-webhook-id",
  "x-webhook-event",
  "x-webhook-timestamp",
  "x-webhook-signature",
  "content-type",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "host",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "proxy-authorization",
  "user-agent",
]);
