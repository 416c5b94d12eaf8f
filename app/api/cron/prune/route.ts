import { getDb } from "@/lib/db/client";
import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { pruneOldRecords } from "@/lib/jobs/prune";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await pruneOldRecords(await getDb()));
});
