// How long to wait before the next attempt: exponential backoff with jitter (so many callers
// that failed together do not retry together), or the provider's own Retry-After when it sent one.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Fraction of spread either side, 0..1: 0.3 means ×0.7 … ×1.3. */
  jitter: number;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1 = the wait after the first failed attempt):
 * min(cap, base·2^(attempt-1)) × (1 ± jitter), rounded to whole ms.
 * The jitter applies around the capped value, so a capped delay may come out up to `jitter` above the cap.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.max(0, options.baseMs);
  const cap = Math.max(0, options.capMs);
  // 2^(n-1) overflows to Infinity for large n; min() with the cap keeps it finite.
  const exponential = Math.min(cap, base * 2 ** (n - 1));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const r = (options.random ?? Math.random)();
  const factor = 1 + jitter * (2 * r - 1);
  return Math.max(0, Math.round(exponential * factor));
}

/**
 * The wait before the next attempt: the provider's Retry-After when given (capped, so a provider
 * asking for an hour cannot hold a request for an hour), otherwise exponential backoff.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(Math.max(0, options.capMs), Math.round(retryAfterMs));
  }
  return backoffDelay(attempt, options);
}
