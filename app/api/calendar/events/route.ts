// GET /api/calendar/events?calendar&limit — the next events from the local records.
import { requireUser } from "@/lib/auth/session";
import { eventsQuerySchema, nextEvents } from "@/lib/calendar/calendars";
import { handle, json, readQuery } from "@/lib/http/api";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ events: await nextEvents(user.workspaceId, readQuery(request, eventsQuerySchema)) });
});
