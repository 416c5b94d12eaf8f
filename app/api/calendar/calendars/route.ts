// GET /api/calendar/calendars — each calendar provider with its calendars (asked live).
import { requireUser } from "@/lib/auth/session";
import { listCalendars } from "@/lib/calendar/calendars";
import { handle, json } from "@/lib/http/api";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ providers: await listCalendars(user) });
});
