// The RATE_LIMITS setting: per-provider (or per-operation) changes to the quotas the manifests
// declare. Pure parsing, no imports beyond types, so lib/config.ts can validate the setting at start.
//
//   RATE_LIMITS="stripe=100/1s, sendgrid:mail.send=300/1m, odoo=off"
//
// `provider=N/WINDOW` replaces the limit on every call of a connection, `provider:operation=…`
// the limit of one operation, and `off` removes the limit. WINDOW is a number of seconds or a
// duration: 1s, 15m, 1h, 1d (a bare unit means 1 of it).
/** At most `limit` calls per `windowSeconds` (the shape of the manifests' RateLimit). */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitOverride {
  providerId: string;
  /** Absent: the per-connection limit. */
  operation?: string;
  /** null: no limit. */
  limit: RateLimit | null;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const ENTRY = /^([a-z0-9][a-z0-9-]*)(?::([A-Za-z0-9._*-]+))?=(?:(off)|(\d+)\/(\d+)?([smhd])?)$/;

/** Throws an Error naming the entry that cannot be read. */
export function parseRateLimitOverrides(value: string | undefined): RateLimitOverride[] {
  if (!value?.trim()) return [];
  const out: RateLimitOverride[] = [];
  for (const raw of value.split(/[,;\s]+/).filter(Boolean)) {
    const match = ENTRY.exec(raw);
    const [, providerId, operation, off, count, amount, unit] = match ?? [];
    if (!match || !providerId || (!off && amount === undefined && unit === undefined)) {
      throw new Error(`"${raw}" is not a rate limit; write provider[:operation]=LIMIT/WINDOW (e.g. stripe=100/1s, sendgrid:mail.send=300/1m) or provider=off`);
    }
    let limit: RateLimit | null = null;
    if (!off) {
      const windowSeconds = Number(amount ?? 1) * UNIT_SECONDS[unit ?? "s"]!;
      const calls = Number(count);
      if (calls < 1 || windowSeconds < 1) throw new Error(`"${raw}": the limit and the window must be at least 1`);
      limit = { limit: calls, windowSeconds };
    }
    out.push({ providerId, ...(operation ? { operation } : {}), limit });
  }
  return out;
}
