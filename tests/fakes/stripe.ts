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

export interface FakeStripe extends FakeServerBase {
  keys: Map<string, FakeStripeKey>;
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
    const body = failure.body ?? (failure.status === 429 ? RATE_LIMIT_ERROR : failure.status >= 500 ? UNKNOWN_ERROR : { error: { message: "Injected failure", type: "invalid_request_error" } });
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
    addKey,
    setBalance(next) {
      available = next;
    },
    requestsWithKey(key) {
      return base.requests.filter((r) => credentialFrom(r.headers) === key);
    },
  };
}
