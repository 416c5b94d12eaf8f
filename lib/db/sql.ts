// Small helpers for raw SQL through Prisma.
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * A UTC `timestamp` (the type Prisma's DateTime columns have) from a Date or epoch milliseconds.
 * PostgreSQL does the conversion, so the value does not depend on the session's time zone or on
 * how the driver sends dates.
 */
export function utcTimestamp(at: Date | number): Prisma.Sql {
  const ms = typeof at === "number" ? at : at.getTime();
  return Prisma.sql`(to_timestamp(${ms}::float8 / 1000) AT TIME ZONE 'UTC')`;
}
