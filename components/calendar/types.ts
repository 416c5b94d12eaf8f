// The calendar API's answers as the browser sees them, derived from the server types with
// `import type` only (erased: no server module reaches the client bundle).
import type { AvailabilityResult as ServerAvailability, CalendarWeeks as ServerWeeks, DayAvailability as ServerDay } from "@/lib/calendar/availability";
import type { BatchJobView } from "@/lib/calendar/batch";
import type { LocalEvent as ServerLocalEvent, ProviderCalendars as ServerProviderCalendars } from "@/lib/calendar/calendars";
import type { SyncStatus as ServerSyncStatus } from "@/lib/calendar/sync";
import type { Jsonify } from "@/components/api/types";

/** GET /api/calendar/calendars */
export type ProviderCalendars = Jsonify<ServerProviderCalendars>;
export interface CalendarsResponse {
  providers: ProviderCalendars[];
}

/** GET /api/calendar/availability */
export type Availability = Jsonify<ServerAvailability>;

/** GET /api/calendar/availability/weeks */
export type CalendarWeeks = Jsonify<ServerWeeks>;
export type DayAvailability = Jsonify<ServerDay>;
export interface WeeksResponse {
  weeks: number;
  calendars: CalendarWeeks[];
}

/** GET /api/calendar/events */
export type LocalEvent = Jsonify<ServerLocalEvent>;
export interface EventsResponse {
  events: LocalEvent[];
}

/** POST/DELETE /api/calendar/batch, GET /api/calendar/batch/{jobId} */
export type BatchJob = Jsonify<BatchJobView>;
export interface BatchJobsResponse {
  jobs: BatchJob[];
}

/** GET /api/calendar/sync */
export type SyncStatus = Jsonify<ServerSyncStatus>;
export interface SyncResponse {
  providers: SyncStatus[];
}
