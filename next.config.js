// Security headers on every answer. The CSP allows inline scripts and styles because Next's App
// Router inlines its bootstrap and React streams styles; everything else is same-origin only, and
// no site may frame Plugboard. Development needs 'unsafe-eval' for React's debugging tools.
const isDev = process.env.NODE_ENV !== "production";
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${isDev ? " ws: wss:" : ""}`,
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

export const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  // Native and wasm packages that must be loaded by Node at run time, not bundled, and the large
  // provider SDKs (bundling googleapis alone adds most of a minute to every build).
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "pg",
    "@prisma/adapter-pg",
    "stripe",
    "@sendgrid/mail",
    "twilio",
    "googleapis",
    "@azure/msal-node",
    "@mailchimp/mailchimp_marketing",
  ],
  poweredByHeader: false,
};

export default nextConfig;
