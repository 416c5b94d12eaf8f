// GET /api/cron/health-check (every 15 minutes, CRON_SECRET): judge every connection, test the
// idle ones, store snapshots and alert admins on changes. `npm run job:health-check` runs the same.
import { getDb } from "@/lib/db/client";
import { runHealthCheck } from "@/lib/health/check";
import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await runHealthCheck(await getDb()));
});
