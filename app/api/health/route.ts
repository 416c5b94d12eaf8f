import { getDb } from "@/lib/db/client";
import { json } from "@/lib/http/api";
import { logger } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and uptime checks: 200 when the database answers, 503 when not. */
export async function GET() {
  try {
    const db = await getDb();
    await db.$queryRawUnsafe("SELECT 1");
    return json({ status: "ok" });
  } catch (error) {
    logger.error("health check: database unreachable", { error });
    return json({ status: "unavailable", error: "Database unreachable" }, 503);
  }
}
