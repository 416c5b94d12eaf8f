// When a delivery is tried: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after
// each failure (eight attempts over about 28 hours), each wait spread ±20 % so endpoints that
// failed together are not retried together. A 429 or 503 with Retry-After is never retried sooner
// than the receiver asked.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Wait before attempt n+1 (index n); index 0 is the first attempt, sent at once. */
export const RETRY_SCHEDULE_MS: readonly number[] = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length;
export const RETRY_JITTER = 0.2;
/** A Retry-After longer than this is shortened to it, so one answer cannot park a delivery for weeks. */
export const RETRY_AFTER_CAP_MS = 24 * HOUR;
/** The retry step a manual resend starts at: exactly one more attempt. */
export const LAST_STEP = MAX_ATTEMPTS - 1;

/**
 * The wait after a failed attempt at schedule step `step` (0-based), or null when that was the
 * last one. `random` is uniform in [0, 1) (injectable for tests).
 */
export function retryDelayAfter(step: number, options: { random?: () => number; retryAfterMs?: number } = {}): number | null {
  const next = step + 1;
  if (next >= MAX_ATTEMPTS) return null;
  const r = (options.random ?? Math.random)();
  const scheduled = Math.round(RETRY_SCHEDULE_MS[next]! * (1 + RETRY_JITTER * (2 * r - 1)));
  const asked = options.retryAfterMs === undefined ? 0 : Math.min(RETRY_AFTER_CAP_MS, Math.max(0, options.retryAfterMs));
  return Math.max(scheduled, asked);
}
