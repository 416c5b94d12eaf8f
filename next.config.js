/** @type {import('next').NextConfig} */
const nextConfig = {
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
