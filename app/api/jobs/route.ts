// GET /api/jobs — every scheduled job: schedule (and in words), next slot, last run, whether one is
// running, failures in a row and the last runs; whether this server runs the schedules itself.
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { handle, json } from "@/lib/http/api";
import { jobsOverview } from "@/lib/jobs/overview";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  await requireUser(request);
  return json(await jobsOverview(await getDb()));
});
