// Cross-site request forgery: a browser sends the admin's cookie with a form or fetch from any
// site, so a request that changes something must show it comes from Plugboard's own pages — an
// `Origin` header naming Plugboard (the address it is served at, or NEXTAUTH_URL behind a proxy),
// or, where a browser sends no Origin, `Sec-Fetch-Site: same-origin`. Scripts send the header
// themselves. Provider webhooks, cron routes and next-auth (its own CSRF token) are exempt.

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Routes with their own check: provider signatures, the cron secret, next-auth's CSRF token. */
const EXEMPT = ["/api/webhooks/", "/api/mailchimp/webhooks", "/api/cron/", "/api/auth/"];

export function isExemptFromOriginCheck(pathname: string): boolean {
  return EXEMPT.some((p) => (p.endsWith("/") ? pathname.startsWith(p) : pathname === p));
}

const originOf = (url: string | undefined): string | null => {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * Why a request may not change anything (a message for a 403), or null when it may: a safe
 * method, an exempt route, or a same-origin request.
 */
export function crossSiteProblem(request: { method: string; url: string; headers: Headers }, publicUrl = process.env.NEXTAUTH_URL): string | null {
  if (!MUTATING.has(request.method.toUpperCase())) return null;
  const url = new URL(request.url);
  if (isExemptFromOriginCheck(url.pathname)) return null;
  // An empty header is no statement at all (browsers never send one).
  const origin = request.headers.get("origin") || null;
  if (origin !== null) {
    if (origin === url.origin || origin === originOf(publicUrl)) return null;
    return `Refused: this change was sent from another site (Origin ${origin.slice(0, 100)}). Changes are accepted only from Plugboard's own pages`;
  }
  if (request.headers.get("sec-fetch-site") === "same-origin") return null;
  return "Refused: a change needs an Origin header naming this Plugboard (browsers send it; scripts must set it)";
}
