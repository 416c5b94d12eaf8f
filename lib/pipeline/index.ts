// The call pipeline every provider call goes through. Import from "@/lib/pipeline".
export { callProvider, unwrap, safeMessage, CallTimeoutError, MESSAGE_MAX_LENGTH, type CallContext, type CallOptions, type CallResult } from "@/lib/pipeline/call";
export {
  ProviderError,
  CATEGORY_POLICY,
  ERROR_CATEGORIES,
  categoryForStatus,
  classifyError,
  parseRetryAfter,
  type CategoryPolicy,
  type ErrorCategory,
  type ProviderErrorOptions,
} from "@/lib/integrations/kit/errors";
export { backoffDelay, retryDelay, type BackoffOptions } from "@/lib/pipeline/backoff";
export { acquirePermit, breakerStatements, recordBreakerOutcome, type BreakerDecision, type BreakerOutcome, type BreakerSettings } from "@/lib/pipeline/breaker";
