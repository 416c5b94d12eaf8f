// Stripe through the official SDK, pointed at the configured base URL (STRIPE_API_BASE) so tests
// and self-hosters behind a proxy can aim it elsewhere. The SDK's own retries are off: the call
// pipeline owns retries, backoff and the circuit breaker, and double retrying would multiply them.
import Stripe from "stripe";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { stripeManifest } from "@/lib/integrations/stripe/manifest";
import type { AdapterContext, ApiKeyAdapter, TestOutcome } from "@/lib/integrations/kit/manifest";
// The Stripe SDK takes no AbortSignal, only its own timeout.
import { abortable } from "@/lib/integrations/kit/abortable";
import { classifyError as classifyGeneric, parseRetryAfter, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";

export interface StripeClientOptions {
  timeoutMs?: number;
}

/** A Stripe SDK instance for one secret key. Cheap to build; nothing touches the network here. */
export function createStripeClient(secretKey: string, options: StripeClientOptions = {}): Stripe {
  const base = new URL(endpointUrl(stripeManifest.api.base!));
  // The SDK takes host, port and protocol only; a path prefix would be silently dropped.
  if (base.pathname !== "/") throw new Error("STRIPE_API_BASE must not contain a path: the Stripe SDK only takes a host, port and protocol");
  const protocol = base.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    host: base.hostname,
    port: base.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 0,
    telemetry: false,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    appInfo: { name: "Plugboard" },
  });
}

/** "Stripe (test mode) · USD, EUR": which mode the key is for and the currencies it holds. */
export function describeBalance(balance: Pick<Stripe.Balance, "livemode" | "available" | "pending">): string {
  const currencies = [...new Set([...balance.available, ...balance.pending].map((b) => b.currency.toUpperCase()))].sort();
  const mode = balance.livemode ? "live mode" : "test mode";
  return currencies.length ? `Stripe (${mode}) · ${currencies.join(", ")}` : `Stripe (${mode})`;
}

/** Proves the key works with the cheapest authenticated read Stripe has: the balance. */
export async function testStripeConnection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome> {
  const stripe = createStripeClient(fields.secretKey!, { timeoutMs: ctx.timeoutMs });
  const balance = await abortable(stripe.balance.retrieve(), ctx.signal);
  return { accountLabel: describeBalance(balance) };
}

// Stripe's error classes, by the SDK's `type` string: stable across SDK versions and not tied to
// one copy of the module (instanceof would fail across bundles).
const STRIPE_CATEGORY: Record<string, ErrorCategory> = {
  StripeAuthenticationError: "auth",
  StripePermissionError: "auth",
  StripeRateLimitError: "rate_limit",
  StripeConnectionError: "transient",
  StripeAPIError: "transient",
  StripeInvalidRequestError: "validation",
  StripeIdempotencyError: "validation",
  StripeCardError: "permanent",
};

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key ? (headers as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
}

/** Maps a Stripe SDK error onto the pipeline's categories; anything else goes to the generic rules. */
export function classifyStripeError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    // 5xx are the provider's trouble whatever class the SDK chose.
    const category: ErrorCategory = status !== undefined && status >= 500 ? "transient" : (STRIPE_CATEGORY[error.type] ?? (status ? classifyGeneric(error).category : "transient"));
    return new ProviderError(stripeMessage(error, category), {
      category,
      ...(status !== undefined ? { statusCode: status } : {}),
      ...(error.code ? { providerCode: error.code } : {}),
      retryAfterMs: parseRetryAfter(header(error.headers, "retry-after")),
      cause: error,
    });
  }
  return classifyGeneric(error);
}

function stripeMessage(error: InstanceType<typeof Stripe.errors.StripeError>, category: ErrorCategory): string {
  const said = error.message?.trim().replace(/\.+$/, "");
  if (category === "auth" && error.type === "StripePermissionError") {
    return `Stripe refused this key: ${said || "it lacks a permission"}. For a restricted key, grant read access to Balance.`;
  }
  if (category === "auth") return `Stripe rejected the key: ${said || "invalid API key"}`;
  if (category === "rate_limit") return `Stripe is rate limiting requests: ${said || "too many requests"}`;
  if (error.type === "StripeConnectionError") return `Could not reach Stripe: ${said || "connection failed"}`;
  const status = error.statusCode ? ` HTTP ${error.statusCode}` : " with an error";
  return said ? `Stripe answered${status}: ${said}` : `Stripe answered${status}`;
}

export const stripeAdapter: ApiKeyAdapter = {
  testConnection: testStripeConnection,
  classifyError: classifyStripeError,
};

export interface PaymentIntentRequest {
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
}

/**
 * Creates a payment intent with automatic payment methods. The idempotency key makes a retry (by
 * the pipeline or by the caller) return the same intent instead of creating a second one.
 */
export async function createStripePaymentIntent(secretKey: string, request: PaymentIntentRequest, ctx: AdapterContext): Promise<Stripe.PaymentIntent> {
  const stripe = createStripeClient(secretKey, { timeoutMs: ctx.timeoutMs });
  return abortable(
    stripe.paymentIntents.create(
      { amount: request.amount, currency: request.currency, metadata: request.metadata, automatic_payment_methods: { enabled: true } },
      { idempotencyKey: request.idempotencyKey },
    ),
    ctx.signal,
  );
}
