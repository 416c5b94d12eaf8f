// GET /api/calendar/availability?calendar&start&end[&timeZone] — conflicts in one calendar for a
// range. Fails open: a calendar that cannot be asked answers available, with a note saying why.
import { actorOf, requireUser } from "@/lib/auth/session";
import { availabilityQuerySchema, checkAvailability } from "@/lib/calendar/availability";
import { handle, json, readQuery } from "@/lib/http/api";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  const { calendar, range } = readQuery(request, availabilityQuerySchema);
  return json(await checkAvailability(user.workspaceId, calendar, range, actorOf(user)));
});
