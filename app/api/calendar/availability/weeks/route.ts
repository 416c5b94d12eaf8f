// GET /api/calendar/availability/weeks?calendars=a,b[&start=YYYY-MM-DD][&weeks=4] — free slots
// inside each calendar's working hours, day by day; one calendar's failure is reported on it alone.
import { actorOf, requireUser } from "@/lib/auth/session";
import { multiWeekAvailability, weeksQuerySchema } from "@/lib/calendar/availability";
import { handle, json, readQuery } from "@/lib/http/api";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  const query = readQuery(request, weeksQuerySchema);
  return json(await multiWeekAvailability(user.workspaceId, query.calendars, { startDate: query.start, weeks: query.weeks }, actorOf(user)));
});
