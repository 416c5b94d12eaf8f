import { config } from "@/lib/config";

/**
 * The client's address for rate limiting. Behind a trusted proxy (TRUST_PROXY_HEADERS=true, or on
 * Vercel) it is the first X-Forwarded-For entry. Otherwise it is the last entry, which a reverse
 * proxy appends; with no proxy at all, Next fills the header from the socket only when the client
 * sent none, so the per-address limit is best effort there and the per-account limit is the one
 * that always holds.
 */
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined>): string {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  const forwarded = (get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const trusted = config().TRUST_PROXY_HEADERS || Boolean(process.env.VERCEL);
  const address = trusted ? forwarded[0] : forwarded.at(-1);
  return address ?? get("x-real-ip") ?? "unknown";
}
