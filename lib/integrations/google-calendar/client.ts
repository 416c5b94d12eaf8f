// Google Calendar v3 through the official googleapis SDK, aimed at the configured root URL
// (GOOGLE_API_BASE). The SDK's own retries are off: the call pipeline owns retries, backoff and
// the breaker. Batches use Google's multipart batch endpoint (./batch.ts), sent through the OAuth2
// client's request() so authorisation (and refresh, once the client holds a refresh token) applies.
import crypto from "node:crypto";
import type { calendar_v3 } from "googleapis/build/src/apis/calendar";
import type { OAuth2Client } from "googleapis-common";
import { isValidTimeZone, localDateTimeWithOffset, parseDateTimeIn } from "@/lib/integrations/kit/time";
import { config } from "@/lib/config";
import type { BatchOperation, BatchOutcome, CalendarClient, CalendarInfo, EventDraft, ProviderEvent, SyncPage, SyncPosition } from "@/lib/integrations/kit/ports/calendar";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { buildBatchBody, matchResponses, newBoundary, parseBatchResponse, type BatchRequestPart } from "@/lib/integrations/google-calendar/batch";
import { googleCalendarManifest } from "@/lib/integrations/google-calendar/manifest";
import { categoryForStatus, classifyError as classifyGeneric, parseRetryAfter, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";
import { missingScopeMessage, type GoogleMethod } from "@/lib/integrations/google-calendar/scopes";

const NAME = "Google Calendar";

/** The API root without a path: the SDK drops a path prefix, so one would silently be ignored. */
export function googleApiRoot(): string {
  const base = endpointUrl(googleCalendarManifest.api.base!);
  if (new URL(base).pathname !== "/") throw new Error("GOOGLE_API_BASE must not contain a path: googleapis only keeps the origin of its root URL");
  return base;
}

/**
 * googleapis' Calendar API module: the same `calendar({ version: "v3", … })` and `auth.OAuth2` as
 * `google.calendar` and `google.auth.OAuth2`, without loading (or bundling) the other ~300 APIs
 * that the package's index imports.
 */
const loadCalendarApi = () => import("googleapis/build/src/apis/calendar");

/** An OAuth2 client holding the access token, with Google's endpoints taken from configuration. */
export async function googleOAuthClient(accessToken: string): Promise<OAuth2Client> {
  const { auth } = await loadCalendarApi();
  const oauth = googleCalendarManifest.oauth;
  const client = new auth.OAuth2({
    clientId: process.env[oauth.clientIdEnv] || undefined,
    clientSecret: process.env[oauth.clientSecretEnv] || undefined,
    endpoints: {
      oauth2AuthBaseUrl: endpointUrl(oauth.authorizeUrl),
      oauth2TokenUrl: endpointUrl(oauth.tokenUrl),
      ...(oauth.revokeUrl ? { oauth2RevokeUrl: endpointUrl(oauth.revokeUrl) } : {}),
    },
  });
  client.setCredentials({ access_token: accessToken });
  return client;
}

// ---------------------------------------------------------------------------------------------
// Errors

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;

/** Google's `{"error": {"code", "message", "errors": [{"reason"}]}}`. */
function googleErrorBody(body: unknown): { message?: string; reason?: string } {
  const error = isObj(body) && isObj(body.error) ? body.error : undefined;
  if (!error) return typeof body === "string" && body.trim() ? { message: body.trim().slice(0, 200) } : {};
  const errors = Array.isArray(error.errors) ? error.errors : [];
  const first = isObj(errors[0]) ? errors[0] : {};
  return {
    message: typeof error.message === "string" ? error.message : undefined,
    reason: typeof first.reason === "string" ? first.reason : typeof error.status === "string" ? error.status : undefined,
  };
}

const RATE_LIMIT_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "RESOURCE_EXHAUSTED"]);
// A 403 about the credential (missing scope) needs a reconnect; other 403s are about one calendar
// or event (read-only calendar, not the organizer) and say nothing about the connection.
const AUTH_403_REASONS = new Set(["insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "PERMISSION_DENIED", "authError", "forbidden_token"]);

// A 403 for a scope the grant lacks ("Request had insufficient authentication scopes."): the
// classic reason, or the ErrorInfo reason of the newer error details.
const SCOPE_REASONS = new Set(["insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"]);

/**
 * Category and message for a failed Google answer (whole request or one batch part). With the
 * method that was called, a missing scope is named, with the consent box that grants it.
 */
export function googleFailure(
  status: number,
  body: unknown,
  retryAfter?: string | null,
  method?: GoogleMethod,
): { category: ErrorCategory; message: string; retryAfterMs?: number; reason?: string } {
  const { message, reason } = googleErrorBody(body);
  if (status === 403 && method && ((reason && SCOPE_REASONS.has(reason)) || /insufficient authentication scopes/i.test(message ?? ""))) {
    return { category: "auth", message: missingScopeMessage(method), reason: reason ?? "insufficientPermissions" };
  }
  let category = categoryForStatus(status);
  if (status === 403) category = reason && RATE_LIMIT_REASONS.has(reason) ? "rate_limit" : reason && !AUTH_403_REASONS.has(reason) ? "permanent" : "auth";
  if (status === 404 || status === 410) category = "permanent";
  const said = message?.replace(/\.+$/, "") || `HTTP ${status}`;
  const text =
    category === "auth"
      ? `${NAME} refused the authorisation: ${said}. Reconnect ${NAME}.`
      : category === "rate_limit"
        ? `${NAME} is rate limiting requests: ${said}`
        : `${NAME} answered ${status}${reason ? ` (${reason})` : ""}: ${said}`;
  const retryAfterMs = parseRetryAfter(retryAfter ?? undefined);
  return { category, message: text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(reason ? { reason } : {}) };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!isObj(headers)) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as unknown as Headers).get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key ? headers[key] : undefined;
  return typeof v === "string" ? v : undefined;
}

/** Maps a googleapis (gaxios) error onto the pipeline's categories; network errors go to the generic rules. */
export function classifyGoogleError(error: unknown, method?: GoogleMethod): ProviderError {
  if (error instanceof ProviderError) return error;
  const response = isObj(error) && isObj(error.response) ? error.response : undefined;
  const status = typeof response?.status === "number" ? response.status : isObj(error) && typeof error.status === "number" ? error.status : undefined;
  if (status !== undefined && status >= 400) {
    const failure = googleFailure(status, response?.data, headerOf(response?.headers, "retry-after"), method);
    return new ProviderError(failure.message, { category: failure.category, statusCode: status, retryAfterMs: failure.retryAfterMs, providerCode: failure.reason, cause: error });
  }
  const generic = classifyGeneric(error);
  if (generic.category === "transient" && generic.statusCode === undefined) {
    return new ProviderError(`Could not reach ${NAME}: ${generic.message}`, { category: "transient", providerCode: generic.providerCode, cause: error });
  }
  return generic;
}

// ---------------------------------------------------------------------------------------------
// Event mapping

/** Google's client-chosen event id for an idempotency key: base32hex (hex is a subset), 5–1024 chars. */
export function googleEventId(idempotencyKey: string): string {
  return crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40);
}

function parseTime(value: string | null | undefined, timeZone?: string | null): number | null {
  if (!value) return null;
  // Google answers RFC 3339 with an offset; a bare wall-clock time belongs to the event's zone.
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return parseDateTimeIn(value, timeZone && isValidTimeZone(timeZone) ? timeZone : "UTC");
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

export function fromGoogleEvent(e: calendar_v3.Schema$Event): ProviderEvent {
  const status = e.status === "cancelled" ? "cancelled" : e.status === "tentative" ? "tentative" : "confirmed";
  const video = e.conferenceData?.entryPoints?.find((p) => p.entryPointType === "video")?.uri;
  const base = {
    id: e.id ?? "",
    etag: e.etag ?? null,
    title: e.summary ?? "(no title)",
    status,
    busy: e.transparency !== "transparent",
    timeZone: e.start?.timeZone ?? null,
    meetingUrl: e.hangoutLink ?? video ?? null,
    updatedAt: parseTime(e.updated),
  } as const;
  if (e.start?.date) {
    return { ...base, allDay: true, startDate: e.start.date, endDate: e.end?.date ?? e.start.date };
  }
  const start = parseTime(e.start?.dateTime, e.start?.timeZone) ?? 0;
  return { ...base, allDay: false, start, end: parseTime(e.end?.dateTime, e.end?.timeZone ?? e.start?.timeZone) ?? start };
}

export function toGoogleEvent(draft: EventDraft): calendar_v3.Schema$Event {
  const timing =
    draft.allDay === true
      ? { start: { date: draft.startDate, timeZone: draft.timeZone }, end: { date: draft.endDate, timeZone: draft.timeZone } }
      : {
          // Wall-clock time in the event's zone (Google takes it without an offset beside timeZone).
          // With the offset: the wall clock alone is ambiguous in the hour that repeats in autumn.
          start: { dateTime: localDateTimeWithOffset(draft.start, draft.timeZone), timeZone: draft.timeZone },
          end: { dateTime: localDateTimeWithOffset(draft.end, draft.timeZone), timeZone: draft.timeZone },
        };
  return {
    ...(draft.idempotencyKey ? { id: googleEventId(draft.idempotencyKey) } : {}),
    summary: draft.summary,
    ...(draft.description ? { description: draft.description } : {}),
    ...(draft.location ? { location: draft.location } : {}),
    ...timing,
    ...(draft.attendees?.length
      ? { attendees: draft.attendees.map((a) => ({ email: a.email, ...(a.name ? { displayName: a.name } : {}), ...(a.optional ? { optional: true } : {}) })) }
      : {}),
    ...(draft.reminders ? { reminders: { useDefault: false, overrides: draft.reminders.map((r) => ({ method: r.method, minutes: r.minutes })) } } : {}),
    ...(draft.videoMeeting
      ? { conferenceData: { createRequest: { requestId: draft.idempotencyKey ?? crypto.randomUUID(), conferenceSolutionKey: { type: "hangoutsMeet" } } } }
      : {}),
    ...(draft.reference ? { extendedProperties: { private: { plugboardReference: draft.reference } } } : {}),
  };
}

/** What a create whose event already existed (409 on our own id) answers: the event as we sent it. */
function eventFromDraft(id: string, draft: EventDraft): ProviderEvent {
  const base = { id, etag: null, title: draft.summary, status: "confirmed" as const, busy: true, timeZone: draft.timeZone, meetingUrl: null, updatedAt: null };
  return draft.allDay === true ? { ...base, allDay: true, startDate: draft.startDate, endDate: draft.endDate } : { ...base, allDay: false, start: draft.start, end: draft.end };
}

// ---------------------------------------------------------------------------------------------
// The client

const enc = encodeURIComponent;
const eventsPath = (calendarId: string) => `/calendar/v3/calendars/${enc(calendarId)}/events`;

function batchPart(op: BatchOperation, index: number): BatchRequestPart {
  const id = `item-${index}`;
  switch (op.kind) {
    case "create": {
      const query = new URLSearchParams({ conferenceDataVersion: "1", sendUpdates: op.draft.notifyAttendees ? "all" : "none" });
      return { id, method: "POST", path: `${eventsPath(op.calendarId)}?${query}`, body: toGoogleEvent(op.draft) };
    }
    case "delete":
      return { id, method: "DELETE", path: `${eventsPath(op.calendarId)}/${enc(op.eventId)}?sendUpdates=none` };
    case "get":
      return { id, method: "GET", path: `${eventsPath(op.calendarId)}/${enc(op.eventId)}` };
    case "move":
      return { id, method: "POST", path: `${eventsPath(op.calendarId)}/${enc(op.eventId)}/move?destination=${enc(op.destinationCalendarId)}&sendUpdates=none` };
  }
}

const BATCH_METHOD: Record<BatchOperation["kind"], GoogleMethod> = { create: "events.insert", delete: "events.delete", get: "events.get", move: "events.move" };

function batchOutcome(op: BatchOperation, status: number, body: unknown, headers: Record<string, string>): BatchOutcome {
  if (status >= 200 && status < 300) {
    const event = isObj(body) && typeof body.id === "string" ? fromGoogleEvent(body as calendar_v3.Schema$Event) : null;
    return { ok: true, status, event };
  }
  // Deleting what is already gone is done; creating what already exists under our own id is done.
  if (op.kind === "delete" && (status === 404 || status === 410)) return { ok: true, status, event: null };
  if (op.kind === "create" && status === 409 && op.draft.idempotencyKey) return { ok: true, status, event: eventFromDraft(googleEventId(op.draft.idempotencyKey), op.draft) };
  const failure = googleFailure(status, body, headers["retry-after"], BATCH_METHOD[op.kind]);
  return { ok: false, status, category: failure.category, message: failure.message, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}) };
}

export interface GoogleCalendarClientOptions {
  batchSize?: number;
}

export async function createGoogleCalendarClient(accessToken: string, options: GoogleCalendarClientOptions = {}): Promise<CalendarClient> {
  const { calendar } = await loadCalendarApi();
  const root = googleApiRoot();
  const auth = await googleOAuthClient(accessToken);
  // retry: false — gaxios would otherwise retry GETs on 5xx itself, under the pipeline's retries.
  const api = calendar({ version: "v3", auth, rootUrl: `${root}/`, retry: false });
  const zones = new Map<string, string | null>();
  const opts = (signal: AbortSignal) => ({ signal, retry: false });
  /** A call of `method`, its failure classified knowing the method (so a missing scope is named). */
  const calling = <T>(method: GoogleMethod, call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      throw classifyGoogleError(error, method);
    });

  const client: CalendarClient = {
    providerId: "google-calendar",
    batchSize: options.batchSize ?? config().CALENDAR_GOOGLE_BATCH_SIZE,
    nativeMove: true,
    syncWindow: false,

    async listCalendars(signal) {
      const out: CalendarInfo[] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await calling("calendarList.list", api.calendarList.list({ maxResults: 250, pageToken }, opts(signal)));
        for (const c of data.items ?? []) {
          if (!c.id) continue;
          out.push({
            id: c.id,
            name: c.summaryOverride ?? c.summary ?? c.id,
            primary: c.primary === true,
            timeZone: c.timeZone ?? null,
            canEdit: c.accessRole === "owner" || c.accessRole === "writer",
          });
          zones.set(c.id, c.timeZone ?? null);
          if (c.primary) zones.set("primary", c.timeZone ?? null);
        }
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return out;
    },

    async timeZone(calendarId, signal) {
      if (zones.has(calendarId)) return zones.get(calendarId) ?? null;
      const { data } = await calling("calendars.get", api.calendars.get({ calendarId }, opts(signal)));
      zones.set(calendarId, data.timeZone ?? null);
      return data.timeZone ?? null;
    },

    async listEvents(calendarId, range, signal) {
      const events: ProviderEvent[] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await calling(
          "events.list",
          api.events.list(
            {
              calendarId,
              // Google's bounds are exclusive: events ending after timeMin and starting before timeMax.
              timeMin: new Date(range.start).toISOString(),
              timeMax: new Date(range.end).toISOString(),
              singleEvents: true,
              orderBy: "startTime",
              maxResults: 2500,
              pageToken,
            },
            opts(signal),
          ),
        );
        if (data.timeZone) zones.set(calendarId, data.timeZone);
        for (const item of data.items ?? []) if (item.status !== "cancelled") events.push(fromGoogleEvent(item));
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return events;
    },

    async createEvent(calendarId, draft, signal) {
      try {
        const { data } = await calling(
          "events.insert",
          api.events.insert({ calendarId, conferenceDataVersion: 1, sendUpdates: draft.notifyAttendees ? "all" : "none", requestBody: toGoogleEvent(draft) }, opts(signal)),
        );
        return fromGoogleEvent(data);
      } catch (error) {
        // Sent before (a retry after a lost answer): the event exists under our id.
        if (draft.idempotencyKey && classifyGoogleError(error).statusCode === 409) {
          const { data } = await calling("events.get", api.events.get({ calendarId, eventId: googleEventId(draft.idempotencyKey) }, opts(signal)));
          return fromGoogleEvent(data);
        }
        throw error;
      }
    },

    async updateEvent(calendarId, eventId, draft, signal) {
      const { id: _ignored, ...body } = toGoogleEvent(draft);
      const { data } = await calling(
        "events.patch",
        api.events.patch({ calendarId, eventId, conferenceDataVersion: 1, sendUpdates: draft.notifyAttendees ? "all" : "none", requestBody: body }, opts(signal)),
      );
      return fromGoogleEvent(data);
    },

    async deleteEvent(calendarId, eventId, signal) {
      try {
        await calling("events.delete", api.events.delete({ calendarId, eventId, sendUpdates: "all" }, opts(signal)));
      } catch (error) {
        const status = classifyGoogleError(error).statusCode;
        if (status === 404 || status === 410) return;
        throw error;
      }
    },

    async batch(operations, signal) {
      if (operations.length === 0) return [];
      if (operations.length > client.batchSize) throw new Error(`At most ${client.batchSize} calls per Google batch`);
      const parts = operations.map(batchPart);
      const boundary = newBoundary();
      const response = await auth.request<string>({
        url: `${root}/batch/calendar/v3`,
        method: "POST",
        headers: { "Content-Type": `multipart/mixed; boundary=${boundary}` },
        data: buildBatchBody(parts, boundary),
        responseType: "text",
        retry: false,
        signal,
      });
      const answers = matchResponses(parts, parseBatchResponse(String(response.data ?? ""), headerOf(response.headers, "content-type")));
      return answers.map((answer, i) => batchOutcome(operations[i]!, answer.status, answer.body, answer.headers));
    },

    async syncPage(calendarId, position: SyncPosition, signal): Promise<SyncPage> {
      const { data } = await calling(
        "events.list",
        api.events.list(
          {
            calendarId,
            maxResults: 250,
            // Without a sync token this is the full sync; deleted events are only of interest after it.
            ...(position.cursor ? { syncToken: position.cursor } : { showDeleted: false }),
            ...(position.continuation ? { pageToken: position.continuation } : {}),
          },
          opts(signal),
        ),
      );
      if (data.timeZone) zones.set(calendarId, data.timeZone);
      const items = data.items ?? [];
      const changed = items.filter((e) => e.status !== "cancelled" && e.id).map(fromGoogleEvent);
      const removedIds = items.filter((e) => e.status === "cancelled" && e.id).map((e) => e.id!);
      if (data.nextPageToken) return { changed, removedIds, next: { done: false, continuation: data.nextPageToken } };
      if (!data.nextSyncToken) throw new ProviderError(`${NAME} ended a sync without a sync token`, { category: "transient" });
      return { changed, removedIds, next: { done: true, cursor: data.nextSyncToken } };
    },

    classify: classifyGoogleError,
  };
  return client;
}
