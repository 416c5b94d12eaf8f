import { defineConfig } from "prisma/config";

// Prisma's CLI reads this file. The datasource URL is only needed by `prisma migrate deploy`
// on machines that can run Prisma's schema engine; Plugboard applies its own migrations otherwise.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
