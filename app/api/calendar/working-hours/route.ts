// GET /api/calendar/working-hours?calendar — a calendar's working hours (defaults when unset).
// PUT /api/calendar/working-hours — { calendar, timeZone, dayStart, dayEnd, weekdays }.
import { requireUser } from "@/lib/auth/session";
import { getWorkingHours, saveWorkingHours, workingHoursBodySchema, workingHoursQuerySchema } from "@/lib/calendar/calendars";
import { handle, json, readJson, readQuery } from "@/lib/http/api";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  const { calendar } = readQuery(request, workingHoursQuerySchema);
  return json(await getWorkingHours(user, calendar));
});

export const PUT = handle(async (request) => {
  const user = await requireUser(request);
  return json(await saveWorkingHours(user, await readJson(request, workingHoursBodySchema)));
});
