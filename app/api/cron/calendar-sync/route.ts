// GET /api/cron/calendar-sync — the scheduled calendar sync (and any batch job left unfinished).
import { runScheduledCalendarWork } from "@/lib/calendar/scheduled";
import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await runScheduledCalendarWork());
});
