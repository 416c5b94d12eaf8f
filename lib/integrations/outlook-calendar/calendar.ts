// The calendar slot: Outlook calendars through Microsoft Graph.
import type { CalendarPort } from "@/lib/integrations/kit/ports/calendar";
import { createOutlookCalendarClient } from "@/lib/integrations/outlook-calendar/client";

export const calendar: CalendarPort = { createClient: (accessToken) => createOutlookCalendarClient(accessToken) };
