// The calendar port: what Plugboard asks of any calendar provider, and the shapes it gets back.
// Each calendar provider implements CalendarPort in its own folder (its manifest's `calendar`
// slot); everything in lib/calendar works on these types only and finds providers by the slot.
import type { ErrorCategory, ProviderError } from "@/lib/integrations/kit/errors";

/** A calendar provider's id (a manifest id whose manifest fills the `calendar` slot). */
export type CalendarProviderId = string;

export interface CalendarInfo {
  id: string;
  name: string;
  primary: boolean;
  /** IANA time zone of the calendar (owner), when the provider says. */
  timeZone: string | null;
  canEdit: boolean;
}

/** When an event happens: exact instants, or local dates for all-day events (end exclusive). */
export type EventTiming = { allDay: false; start: number; end: number } | { allDay: true; startDate: string; endDate: string };

/** An event as Plugboard reads it from either provider. */
export type ProviderEvent = EventTiming & {
  id: string;
  etag: string | null;
  title: string;
  status: "confirmed" | "tentative" | "cancelled";
  /** False for events marked free / transparent: they do not block time. */
  busy: boolean;
  timeZone: string | null;
  meetingUrl: string | null;
  updatedAt: number | null;
};

export interface Attendee {
  email: string;
  name?: string;
  optional?: boolean;
}

export interface Reminder {
  method: "email" | "popup";
  minutes: number;
}

/** An event to create or replace. Timed events carry instants; the time zone says how to show them. */
export type EventDraft = EventTiming & {
  summary: string;
  description?: string;
  location?: string;
  timeZone: string;
  attendees?: Attendee[];
  reminders?: Reminder[];
  /** Google Meet (conference data) or a Teams online meeting. */
  videoMeeting?: boolean;
  /** Invitations go to the attendees. */
  notifyAttendees?: boolean;
  /**
   * Same key, same event: becomes Google's client-chosen event id and Graph's transactionId, so a
   * create that is sent again (retry, resumed job) does not make a second event.
   */
  idempotencyKey?: string;
  /** Stored with the event at the provider, so it can be traced back. */
  reference?: string;
};

export type BatchOperation =
  | { kind: "create"; calendarId: string; draft: EventDraft }
  | { kind: "delete"; calendarId: string; eventId: string }
  | { kind: "get"; calendarId: string; eventId: string }
  /** Native move within one account (Google only; see CalendarClient.nativeMove). */
  | { kind: "move"; calendarId: string; eventId: string; destinationCalendarId: string };

export type BatchOutcome =
  { ok: true; status: number; event: ProviderEvent | null } | { ok: false; status: number; category: ErrorCategory; message: string; retryAfterMs?: number };

/** Where an incremental sync stands: the saved cursor, and the page being read within a run. */
export interface SyncPosition {
  /** Google nextSyncToken / Graph deltaLink from the last completed run; null → full sync. */
  cursor: string | null;
  /** The next page within this run (opaque to lib/calendar). */
  continuation: string | null;
  /** Graph syncs a calendar view: the window of a full sync. */
  window: { start: number; end: number };
}

export interface SyncPage {
  changed: ProviderEvent[];
  removedIds: string[];
  next: { done: false; continuation: string } | { done: true; cursor: string };
}

export interface CalendarClient {
  readonly providerId: CalendarProviderId;
  /** Most operations one batch request may carry (configured, within the provider's limit). */
  readonly batchSize: number;
  /** True when the provider moves an event between calendars itself (Google); else copy + delete. */
  readonly nativeMove: boolean;
  /** True when sync covers a window of time (Graph calendar views), false when it covers everything (Google). */
  readonly syncWindow: boolean;
  listCalendars(signal: AbortSignal): Promise<CalendarInfo[]>;
  /** The calendar owner's time zone, or null when the provider does not say. */
  timeZone(calendarId: string, signal: AbortSignal): Promise<string | null>;
  /** Events overlapping [start, end), recurring ones expanded, cancelled ones left out. */
  listEvents(calendarId: string, range: { start: number; end: number }, signal: AbortSignal): Promise<ProviderEvent[]>;
  createEvent(calendarId: string, draft: EventDraft, signal: AbortSignal): Promise<ProviderEvent>;
  updateEvent(calendarId: string, eventId: string, draft: EventDraft, signal: AbortSignal): Promise<ProviderEvent>;
  /** Resolves when the event is gone, including when it already was. */
  deleteEvent(calendarId: string, eventId: string, signal: AbortSignal): Promise<void>;
  /** One HTTP request carrying up to batchSize operations; one outcome per operation, in order. */
  batch(operations: readonly BatchOperation[], signal: AbortSignal): Promise<BatchOutcome[]>;
  syncPage(calendarId: string, position: SyncPosition, signal: AbortSignal): Promise<SyncPage>;
  /** Maps whatever the SDK or fetch threw onto the pipeline's categories (410 keeps its status). */
  classify(error: unknown): ProviderError;
}

/** The `calendar` slot: opens a client on an OAuth access token. */
export interface CalendarPort {
  createClient(accessToken: string): CalendarClient | Promise<CalendarClient>;
}
