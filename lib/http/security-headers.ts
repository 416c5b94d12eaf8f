// Security headers on every answer (next.config.ts sets them; the proxy sets the Files page's CSP,
// which depends on the running configuration). The CSP allows inline scripts and styles because
// Next's App Router inlines its bootstrap and React streams styles; everything else is
// same-origin only, and no site may frame Plugboard. Development needs 'unsafe-eval' for React's
// debugging tools.

/** Directives, with extra sources the browser may send requests to (connect-src). */
export function contentSecurityPolicy(options: { dev: boolean; connectSources?: readonly string[] }): string {
  const connect = ["'self'", ...(options.connectSources ?? []), ...(options.dev ? ["ws:", "wss:"] : [])];
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect.join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** Every header but the CSP. */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
];

/**
 * Pages whose CSP the proxy sets per request, because it depends on the running configuration:
 * the Files page posts large files straight to the storage bucket, at any https address or an
 * http host the deployment allows (WEBHOOK_ALLOW_HTTP_HOSTS).
 */
export const DYNAMIC_CSP_PAGES = ["/files"];

/** connect-src for the Files page: https anywhere (every bucket endpoint), plus the allowed http hosts on any port. */
export function storageConnectSources(httpHosts: readonly string[]): string[] {
  return ["https:", ...httpHosts.map((host) => `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:*`)];
}
