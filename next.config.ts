import type { NextConfig } from "next";
import { contentSecurityPolicy, DYNAMIC_CSP_PAGES, SECURITY_HEADERS } from "./lib/http/security-headers";

const dev = process.env.NODE_ENV !== "production";
// Every path but the pages whose CSP the proxy sets (two CSP headers would both be enforced).
const staticCspPaths = `/((?!${DYNAMIC_CSP_PAGES.map((p) => `${p.slice(1)}$`).join("|")}).*)`;

const nextConfig: NextConfig = {
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: staticCspPaths, headers: [{ key: "Content-Security-Policy", value: contentSecurityPolicy({ dev }) }] },
    ];
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
    "@aws-sdk/client-s3",
    "@aws-sdk/lib-storage",
    "@aws-sdk/s3-presigned-post",
    "@aws-sdk/s3-request-presigner",
    "@smithy/node-http-handler",
  ],
  poweredByHeader: false,
};

export default nextConfig;
