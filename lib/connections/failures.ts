// The one mapping of a failed provider call to an API answer: the provider's reason, prefixed with
// what was being done, with a status that says whose problem it is — the request's (422, or 404
// when the provider has no such thing), the connection's (409: reconnect), or passing (502 / 503:
// try again; 429 with Retry-After when a rate limit refused it).
import { ApiError } from "@/lib/http/api";
import type { CallResult } from "@/lib/pipeline";

export type CallFailure = Extract<CallResult<unknown>, { ok: false }>;

export function providerFailure(result: CallFailure, what: string): ApiError {
  const reason = result.message.replace(/[.\s]+$/, "");
  if (result.paused) return new ApiError(409, `${what}: ${reason}`);
  switch (result.category) {
    case "validation":
    case "permanent":
      return new ApiError(result.statusCode === 404 ? 404 : 422, `${what}: ${reason}`);
    case "auth":
      return new ApiError(409, `${what}: ${reason}`);
    case "rate_limit":
      return rateLimited(result, `${what}: ${reason}`);
    default:
      return new ApiError(502, `${what}: ${reason}. Try again.`);
  }
}

/** 429 with Retry-After (whole seconds, at least 1) from the refusing window or the provider's own answer. */
export function rateLimited(result: CallFailure, message: string): ApiError {
  const seconds = Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000));
  return new ApiError(429, `${message}. Try again in ${seconds} s.`, undefined, { "retry-after": String(seconds) });
}
