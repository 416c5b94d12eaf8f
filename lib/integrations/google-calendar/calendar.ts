// The calendar slot: Google Calendar through googleapis.
import { createGoogleCalendarClient } from "@/lib/integrations/google-calendar/client";
import type { CalendarPort } from "@/lib/integrations/kit/ports/calendar";

export const calendar: CalendarPort = { createClient: (accessToken) => createGoogleCalendarClient(accessToken) };
