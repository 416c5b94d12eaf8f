// A customer's webhook receiver on 127.0.0.1: it checks every request's signatures the way a
// receiver would — `webhook-signature` with the Standard Webhooks reference library
// (`standardwebhooks`' Webhook.verify), and `X-Webhook-Signature` with the plain HMAC recipe from
// the README — and records the outcome. Answers 200 unless told otherwise (failNext), so tests
// can inject 500s, 410, 429 + Retry-After or redirects.
import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";
import { sendJson, startFakeServer, type FakeServerBase, type RecordedRequest } from "@/tests/fakes/http";

export interface ReceivedWebhook extends RecordedRequest {
  /** The secrets whose Standard Webhooks signature verified (reference library). */
  standardVerifiedWith: string[];
  /** The secrets whose `X-Webhook-Signature: sha256=<hex>` matched. */
  simpleVerifiedWith: string[];
  /** The reference library's complaint when no secret verified. */
  verifyError?: string;
  webhookId: string;
  eventType: string;
  /** The status this receiver answered. */
  status: number;
}

export interface FakeWebhookReceiver extends FakeServerBase {
  received: ReceivedWebhook[];
  /** The secrets this receiver knows (it accepts a signature by any of them). */
  setSecrets(secrets: string[]): void;
  /** The receiver's "now" for the 5-minute timestamp tolerance (tests with a moved clock). */
  setClock(now: () => Date): void;
  /** Requests received for one webhook-id (retries and duplicates). */
  count(webhookId: string): number;
  /** Requests for one webhook-id that this receiver accepted (answered 2xx). */
  accepted(webhookId: string): number;
}

/** The README's recipe for simple receivers: hex HMAC-SHA256 of "id.timestamp.body", key = base64-decoded secret after whsec_. */
export function simpleSignatureMatches(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const id = String(headers["x-webhook-id"] ?? "");
  const timestamp = String(headers["x-webhook-timestamp"] ?? "");
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = Buffer.from(`sha256=${crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("hex")}`);
  return String(headers["x-webhook-signature"] ?? "")
    .split(",")
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && crypto.timingSafeEqual(given, expected));
}

/** Webhook.verify reads Date.now() for its tolerance check; run it at the receiver's clock. */
function atTime<T>(now: () => Date, fn: () => T): T {
  const real = Date.now;
  const at = now().getTime();
  Date.now = () => at;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

export async function startWebhookReceiver(options: { port?: number } = {}): Promise<FakeWebhookReceiver> {
  let secrets: string[] = [];
  let clock = () => new Date();
  const received: ReceivedWebhook[] = [];

  const record = (req: RecordedRequest, status: (verified: boolean) => number): ReceivedWebhook => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v ?? "")]));
    const standardVerifiedWith: string[] = [];
    let verifyError: string | undefined;
    for (const secret of secrets) {
      try {
        atTime(clock, () => new Webhook(secret).verify(req.body, headers));
        standardVerifiedWith.push(secret);
      } catch (error) {
        verifyError = (error as Error).message;
      }
    }
    const entry: ReceivedWebhook = {
      ...req,
      standardVerifiedWith,
      simpleVerifiedWith: secrets.filter((s) => simpleSignatureMatches(s, req.headers, req.body)),
      ...(standardVerifiedWith.length ? {} : { verifyError: verifyError ?? "no secret configured" }),
      webhookId: headers["webhook-id"] ?? "",
      eventType: headers["x-webhook-event"] ?? "",
      status: status(standardVerifiedWith.length > 0),
    };
    received.push(entry);
    return entry;
  };

  const base = await startFakeServer(
    {
      port: options.port,
      onFailure: (req, res, failure) => {
        record(req, () => failure.status);
        const headers: Record<string, string> = { ...failure.headers };
        if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
        sendJson(res, failure.status, failure.body ?? { error: `injected ${failure.status}` }, headers);
      },
    },
    (req, res) => {
      // A real receiver refuses what it cannot verify; the recorded entry says why.
      const entry = record(req, (verified) => (verified || !secrets.length ? 200 : 401));
      if (entry.status === 401) return sendJson(res, 401, { error: entry.verifyError });
      sendJson(res, 200, { received: true });
    },
  );
  return {
    ...base,
    received,
    setSecrets(list) {
      secrets = [...list];
    },
    setClock(now) {
      clock = now;
    },
    count(webhookId) {
      return received.filter((r) => r.webhookId === webhookId).length;
    },
    accepted(webhookId) {
      return received.filter((r) => r.webhookId === webhookId && r.status >= 200 && r.status < 300).length;
    },
    reset() {
      base.reset();
      received.length = 0;
      secrets = [];
      clock = () => new Date();
    },
  };
}
