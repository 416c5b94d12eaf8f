// What went wrong with a provider call, in the five categories the rest of Plugboard acts on
// (retry, trip the breaker, ask for re-authorisation, or just report), and how to tell them
// apart from whatever an SDK, `fetch` or Node threw.

export type ErrorCategory = "transient" | "rate_limit" | "auth" | "permanent" | "validation";

export const ERROR_CATEGORIES: readonly ErrorCategory[] = ["transient", "rate_limit", "auth", "permanent", "validation"];

export interface CategoryPolicy {
  /** Worth trying again in the same call: the next attempt may well succeed. */
  retryable: boolean;
  /** Says something about the provider's (or the connection's) health, so it feeds the breaker.
   *  Validation and permanent errors are about the request itself, not the provider. */
  countsTowardBreaker: boolean;
  /** The stored credential no longer works: the connection needs the user to re-authorise. */
  marksReauth: boolean;
}

/** The one place that decides how each category is handled. */
export const CATEGORY_POLICY: Readonly<Record<ErrorCategory, CategoryPolicy>> = {
  transient: { retryable: true, countsTowardBreaker: true, marksReauth: false },
  rate_limit: { retryable: true, countsTowardBreaker: true, marksReauth: false },
  auth: { retryable: false, countsTowardBreaker: true, marksReauth: true },
  permanent: { retryable: false, countsTowardBreaker: false, marksReauth: false },
  validation: { retryable: false, countsTowardBreaker: false, marksReauth: false },
};

export interface ProviderErrorOptions {
  category: ErrorCategory;
  statusCode?: number;
  /** How long the provider asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** The provider's own error code, e.g. Stripe's "resource_missing". */
  providerCode?: string;
  cause?: unknown;
}

/** A classified provider failure. Adapters may throw it directly to skip generic classification. */
export class ProviderError extends Error {
  readonly category: ErrorCategory;
  readonly statusCode?: number;
  readonly retryAfterMs?: number;
  readonly providerCode?: string;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.category = options.category;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
  }
}

/** Category for an HTTP status code of a failed response. */
export function categoryForStatus(status: number): ErrorCategory {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status === 408 || status === 425 || (status >= 500 && status <= 599)) return "transient";
  if (status === 400 || status === 409 || status === 422) return "validation";
  return "permanent";
}

/**
 * Retry-After as milliseconds from `now`: either delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in the past means "now" (0). Undefined when absent
 * or unreadable, so callers fall back to their own backoff.
 */
export function parseRetryAfter(headerValue: string | null | undefined, now: number | Date = Date.now()): number | undefined {
  if (headerValue == null) return undefined;
  const value = headerValue.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only accept something that looks like a date, so "soon" or "-5" are not parsed leniently.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const nowMs = typeof now === "number" ? now : now.getTime();
  return Math.max(0, at - nowMs);
}

// Node / undici codes for a connection that failed or dropped: the provider may be fine a moment later.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;

function asStatus(v: unknown): number | undefined {
  const n = typeof v === "string" && /^\d{3}$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** A header from a `Headers` instance or a plain object (any letter case). */
function headerFrom(headers: unknown, name: string): string | undefined {
  if (!isObj(headers)) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    const v = (headers as { get(n: string): unknown }).get(name);
    return typeof v === "string" ? v : undefined;
  }
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

/** The error and its `cause` chain (fetch wraps socket errors: TypeError("fetch failed", { cause })). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && out.length < 5 && !out.includes(current)) {
    out.push(current);
    current = isObj(current) ? current.cause : undefined;
  }
  return out;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (isObj(error) && typeof error.message === "string") return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Generic classification for anything thrown by a provider call. Adapters that know their
 * provider better pass their own `classify` to callProvider; this is the fallback.
 */
export function classifyError(error: unknown, now: number | Date = Date.now()): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = messageOf(error);
  const links = chain(error);

  // An HTTP answer: Stripe-style `statusCode`, fetch-like `status`, axios/SendGrid `response.status`
  // (SendGrid also puts the status in a numeric `code`).
  for (const link of links) {
    if (!isObj(link)) continue;
    const response = isObj(link.response) ? link.response : undefined;
    const status = asStatus(link.status) ?? asStatus(link.statusCode) ?? asStatus(response?.status) ?? (typeof link.code === "number" ? asStatus(link.code) : undefined);
    if (status === undefined || status < 400) continue;
    const retryAfter = headerFrom(link.headers, "retry-after") ?? headerFrom(response?.headers, "retry-after");
    const providerCode = typeof link.code === "string" ? link.code : undefined;
    return new ProviderError(message, {
      category: categoryForStatus(status),
      statusCode: status,
      retryAfterMs: parseRetryAfter(retryAfter, now),
      providerCode,
      cause: error,
    });
  }

  // No answer at all: connection refused/reset, DNS hiccup, our own timeout.
  for (const link of links) {
    if (!isObj(link)) continue;
    const code = typeof link.code === "string" ? link.code : undefined;
    const name = typeof link.name === "string" ? link.name : undefined;
    const text = typeof link.message === "string" ? link.message : "";
    if ((code && NETWORK_CODES.has(code)) || name === "AbortError" || name === "TimeoutError" || /socket hang up/i.test(text)) {
      return new ProviderError(message === "fetch failed" && text && text !== message ? `${message}: ${text}` : message, {
        category: "transient",
        providerCode: code,
        cause: error,
      });
    }
  }

  return new ProviderError(message, { category: "permanent", cause: error });
}
