// The one mapping of a failed provider call to an API answer: the provider's reason, prefixed with
// what was being done, with a status that says whose problem it is — the request's (422, or 404
// when the provider has no such thing), the connection's (409: reconnect), or passing (502 / 503:
// try again).
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
      return new ApiError(503, `${what}: ${reason}. Try again in a moment.`);
    default:
      return new ApiError(502, `${what}: ${reason}. Try again.`);
  }
}
