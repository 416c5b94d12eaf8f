/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm packages that must be loaded by Node at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "@prisma/adapter-pg", "stripe", "@sendgrid/mail", "twilio", "@mailchimp/mailchimp_marketing"],
  poweredByHeader: false,
};

export default nextConfig;
