// A fake Stripe API speaking Stripe's wire format closely enough for the official `stripe` SDK:
// secret key as Bearer (or HTTP basic user), form-encoded request bodies, JSON answers with a
// Request-Id header, and errors as {"error": {"type", "message", "code"?}} with Stripe's statuses.
import type http from "node:http";
import { credentialFrom, requestId, sendJson, startFakeServer, type FakeServerBase, type InjectedFailure, type RecordedRequest } from "@/tests/fakes/http";

export interface FakeStripeKey {
  livemode: boolean;
  /** Restricted keys (rk_) may lack the Balance read permission. */
  canReadBalance: boolean;
  account: string;
}

/** Keys the fake accepts out of the box. Any other key gets Stripe's 401. */
export const STRIPE_KEYS = {
  valid: "sk_test_PlugboardValidKey000000000001",
  validLive: "sk_live_PlugboardValidKey000000000001",
  restricted: "rk_test_PlugboardRestricted0000000001",
  restrictedNoBalance: "rk_test_PlugboardNoBalance00000000001",
  /** Shorthand accepted too (handy in a browser). */
  short: "sk_test_plugboard_valid",
  /** Well-formed but unknown: always 401. */
  invalid: "sk_test_PlugboardWrongKey000000000009",
  webhookSecret: "whsec_PlugboardWebhookSecret000001",
} as const;

export interface BalanceEntry {
  amount: number;
  currency: string;
}

/** A payment intent as the fake keeps it (the subset of Stripe's object Plugboard reads). */
export interface FakePaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  automatic_payment_methods: { enabled: boolean } | null;
  livemode: boolean;
  created: number;
  last_payment_error: { message: string; code?: string; type: string } | null;
}

export interface FakeStripe extends FakeServerBase {
  keys: Map<string, FakeStripeKey>;
  paymentIntents: Map<string, FakePaymentIntent>;
  addKey(key: string, options?: Partial<FakeStripeKey>): void;
  /** Balance returned by GET /v1/balance (available; pending mirrors the currencies with 0). */
  setBalance(available: BalanceEntry[]): void;
  /** Requests that carried the given key (the log keeps headers as sent). */
  requestsWithKey(key: string): RecordedRequest[];
}

/** "sk_test_****…abcd": how Stripe echoes a key it did not accept. */
export function maskStripeKey(key: string): string {
  const m = /^([a-z]+_(?:test|live)_)(.*)$/.exec(key);
  if (!m) return key.length > 4 ? "*".repeat(key.length - 4) + key.slice(-4) : "****";
  const rest = m[2]!;
  return m[1] + "*".repeat(Math.max(rest.length - 4, 0)) + rest.slice(-4);
}

/** `metadata[a]=1&amount=5` → { "metadata[a]": "1", amount: "5" } plus nested objects one level deep. */
function formBody(body: string): { flat: Record<string, string>; nested: Record<string, Record<string, string>> } {
  const flat: Record<string, string> = {};
  const nested: Record<string, Record<string, string>> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    flat[key] = value;
    const m = /^([a-z_]+)\[([^\]]+)\]$/.exec(key);
    if (m) (nested[m[1]!] ??= {})[m[2]!] = value;
  }
  return { flat, nested };
}

const UNKNOWN_ERROR = { error: { message: "An unknown error occurred", type: "api_error" } };
const RATE_LIMIT_ERROR = {
  error: {
    code: "rate_limit",
    doc_url: "https://stripe.com/docs/error-codes/rate-limit",
    message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
    type: "invalid_request_error",
  },
};

export async function startFakeStripe(options: { port?: number } = {}): Promise<FakeStripe> {
  const keys = new Map<string, FakeStripeKey>();
  const addKey = (key: string, o: Partial<FakeStripeKey> = {}) =>
    keys.set(key, { livemode: o.livemode ?? key.includes("_live_"), canReadBalance: o.canReadBalance ?? true, account: o.account ?? "acct_1PlugboardFake0001" });
  addKey(STRIPE_KEYS.valid);
  addKey(STRIPE_KEYS.validLive);
  addKey(STRIPE_KEYS.restricted);
  addKey(STRIPE_KEYS.restrictedNoBalance, { canReadBalance: false });
  addKey(STRIPE_KEYS.short);
  const paymentIntents = new Map<string, FakePaymentIntent>();
  // Idempotency-Key → what was asked and answered, as Stripe keeps it (per key, for 24 hours).
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  let available: BalanceEntry[] = [
    { amount: 125_00, currency: "usd" },
    { amount: 40_00, currency: "eur" },
  ];

  const headersFor = (req: RecordedRequest): Record<string, string> => ({
    "request-id": requestId(),
    "stripe-version": String(req.headers["stripe-version"] ?? "2025-01-27.acacia"),
  });
  const error = (res: http.ServerResponse, req: RecordedRequest, status: number, body: unknown, extra: Record<string, string> = {}) =>
    sendJson(res, status, body, { ...headersFor(req), ...extra });

  const onFailure = (req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) => {
    const body =
      failure.body ??
      (failure.status === 429 ? RATE_LIMIT_ERROR : failure.status >= 500 ? UNKNOWN_ERROR : { error: { message: "Injected failure", type: "invalid_request_error" } });
    error(res, req, failure.status, body, { ...(failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {}), ...failure.headers });
  };

  const base = await startFakeServer({ port: options.port, onFailure }, (req, res) => {
    const key = credentialFrom(req.headers);
    if (!key) {
      return error(res, req, 401, {
        error: {
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
          type: "invalid_request_error",
        },
      });
    }
    const account = keys.get(key);
    if (!account) {
      return error(res, req, 401, { error: { message: `Invalid API Key provided: ${maskStripeKey(key)}`, type: "invalid_request_error" } });
    }
    if ((req.method === "POST" || req.method === "DELETE") && req.body) {
      // Stripe only takes form-encoded bodies.
      const type = String(req.headers["content-type"] ?? "");
      if (!type.startsWith("application/x-www-form-urlencoded")) {
        return error(res, req, 400, { error: { message: "Invalid request: bodies must be application/x-www-form-urlencoded", type: "invalid_request_error" } });
      }
    }
    if (req.method === "GET" && req.path === "/v1/balance") {
      if (!account.canReadBalance) {
        return error(res, req, 403, {
          error: {
            message: `The provided key '${maskStripeKey(key)}' does not have the required permissions for this endpoint on account '${account.account}'. Having the 'rak_balance_read' permission would allow this request to continue.`,
            type: "invalid_request_error",
          },
        });
      }
      return sendJson(
        res,
        200,
        {
          object: "balance",
          available: available.map((b) => ({ amount: b.amount, currency: b.currency, source_types: { card: b.amount } })),
          connect_reserved: available.map((b) => ({ amount: 0, currency: b.currency })),
          livemode: account.livemode,
          pending: available.map((b) => ({ amount: 0, currency: b.currency, source_types: { card: 0 } })),
        },
        headersFor(req),
      );
    }
    if (req.method === "POST" && req.path === "/v1/payment_intents") {
      const key = req.headers["idempotency-key"] ? `${account.account}:${String(req.headers["idempotency-key"])}` : undefined;
      const fingerprint = req.body;
      const previous = key ? idempotent.get(key) : undefined;
      if (previous && previous.fingerprint !== fingerprint) {
        return error(res, req, 400, {
          error: {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${String(req.headers["idempotency-key"])}' if you meant to execute a different request.`,
          },
        });
      }
      if (previous) return sendJson(res, previous.status, previous.body, { ...headersFor(req), "idempotent-replayed": "true" });
      const { flat, nested } = formBody(req.body);
      const amount = Number(flat.amount);
      if (!Number.isInteger(amount) || amount < 1)
        return error(res, req, 400, { error: { type: "invalid_request_error", code: "parameter_missing", param: "amount", message: "Missing required param: amount." } });
      if (!/^[a-z]{3}$/.test(flat.currency ?? ""))
        return error(res, req, 400, { error: { type: "invalid_request_error", code: "parameter_invalid_empty", param: "currency", message: "Missing required param: currency." } });
      const id = requestId("pi_3Fake");
      const intent: FakePaymentIntent = {
        id,
        object: "payment_intent",
        amount,
        amount_received: 0,
        currency: flat.currency!,
        status: "requires_payment_method",
        client_secret: `${id}_secret_${requestId("")}`,
        metadata: nested.metadata ?? {},
        automatic_payment_methods: nested.automatic_payment_methods ? { enabled: nested.automatic_payment_methods.enabled === "true" } : null,
        livemode: account.livemode,
        created: Math.floor(Date.now() / 1000),
        last_payment_error: null,
      };
      paymentIntents.set(id, intent);
      if (key) idempotent.set(key, { fingerprint, status: 200, body: intent });
      return sendJson(res, 200, intent, headersFor(req));
    }
    const intentPath = /^\/v1\/payment_intents\/([A-Za-z0-9_]+)$/.exec(req.path);
    if (req.method === "GET" && intentPath) {
      const intent = paymentIntents.get(intentPath[1]!);
      if (!intent)
        return error(res, req, 404, { error: { type: "invalid_request_error", code: "resource_missing", param: "intent", message: `No such payment_intent: '${intentPath[1]}'` } });
      return sendJson(res, 200, intent, headersFor(req));
    }
    return error(res, req, 404, {
      error: {
        message: `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        type: "invalid_request_error",
      },
    });
  });

  return {
    ...base,
    keys,
    paymentIntents,
    addKey,
    setBalance(next) {
      available = next;
    },
    requestsWithKey(key) {
      return base.requests.filter((r) => credentialFrom(r.headers) === key);
    },
  };
}

/** A Stripe event envelope as Stripe sends it to a webhook endpoint. */
export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}) {
  return {
    id: options.id ?? requestId("evt_1Fake"),
    object: "event",
    api_version: "2025-01-27.acacia",
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** A payment intent object in the state the given event type reports. */
export function paymentIntentObject(intent: Partial<FakePaymentIntent> & { id: string; amount: number }, outcome: "succeeded" | "failed"): Record<string, unknown> {
  return {
    object: "payment_intent",
    currency: "eur",
    metadata: {},
    livemode: false,
    created: Math.floor(Date.now() / 1000),
    ...intent,
    status: outcome === "succeeded" ? "succeeded" : "requires_payment_method",
    amount_received: outcome === "succeeded" ? intent.amount : 0,
    last_payment_error: outcome === "failed" ? { type: "card_error", code: "card_declined", message: "Your card was declined." } : null,
  };
}

/** A charge.refunded object for a payment intent. */
export function refundedChargeObject(paymentIntentId: string, amount: number, amountRefunded: number): Record<string, unknown> {
  return {
    id: requestId("ch_3Fake"),
    object: "charge",
    amount,
    amount_refunded: amountRefunded,
    currency: "eur",
    payment_intent: paymentIntentId,
    refunded: amountRefunded >= amount,
    metadata: {},
  };
}
