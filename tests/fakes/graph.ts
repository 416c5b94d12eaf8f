// A fake Microsoft Graph (v1.0) for Outlook calendars: Bearer tokens, events shaped like Graph's
// (dates as {dateTime, timeZone} in UTC, "@odata.etag"), errors as {"error": {"code", "message"}},
// JSON $batch (at most 20 requests; answers in any order, with per-request statuses and headers;
// a request whose dependsOn failed answers 424 Failed Dependency),
// calendarView, calendarView/delta with @odata.nextLink / @odata.deltaLink and "@removed" rows
// (410 SyncStateNotFound once delta tokens are expired), transactionId de-duplication and Teams
// meetings. The base URL is `<url>/v1.0`.
import crypto from "node:crypto";
import type http from "node:http";
import { CallFailureQueue, sendJson, startFakeServer, type CallInfo, type FakeServerBase, type InjectedFailure, type RecordedRequest } from "@/tests/fakes/http";
import type { TokenAuthority } from "@/tests/fakes/google-calendar";

export const GRAPH_TOKENS = {
  /** Granted User.Read, Calendars.ReadWrite and MailboxSettings.Read. */
  valid: "eyJ0eXAiOiJKV1QifQ.PlugboardGraphValidToken.0000000001",
  invalid: "eyJ0eXAiOiJKV1QifQ.PlugboardGraphWrongToken.0000000009",
} as const;

const VALID_GRANT = ["User.Read", "Calendars.ReadWrite", "MailboxSettings.Read"];

const CALENDAR_READ = ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"];
const CALENDAR_WRITE = ["Calendars.ReadWrite"];

/**
 * The delegated permissions each endpoint's "Permissions" table lists (least privileged and
 * higher): a token needs one of them. GET /me answers as the directory does (Authorization_
 * RequestDenied), the mailbox endpoints as Exchange does (ErrorAccessDenied).
 */
function permissionsFor(method: string, path: string): { accepted: readonly string[]; directory?: true } | null {
  if (path === "/v1.0/me")
    return method === "GET"
      ? { accepted: ["User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"], directory: true }
      : null;
  if (path === "/v1.0/me/mailboxSettings") return method === "GET" ? { accepted: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"] } : null;
  if (path === "/v1.0/me/calendars") return method === "GET" ? { accepted: CALENDAR_READ } : null;
  if (/^\/v1\.0\/me\/(?:calendar|calendars\/[^/]+)\/calendarView\/delta$/.test(path))
    return method === "GET" ? { accepted: ["Calendars.Read", "Calendars.ReadBasic", "Calendars.ReadWrite"] } : null;
  if (/^\/v1\.0\/me\/(?:calendar|calendars\/[^/]+)\/calendarView$/.test(path)) return method === "GET" ? { accepted: CALENDAR_READ } : null;
  if (/^\/v1\.0\/me\/(?:calendar|calendars\/[^/]+)\/events$/.test(path)) return method === "POST" ? { accepted: CALENDAR_WRITE } : null;
  if (/^\/v1\.0\/me\/events\/[^/]+$/.test(path)) return { accepted: method === "GET" ? CALENDAR_READ : CALENDAR_WRITE };
  return null;
}

/** "https://graph.microsoft.com/Calendars.Read" and "calendars.read" are the same permission. */
const permissionName = (scope: string) => scope.replace(/^https:\/\/graph\.microsoft\.com\//i, "").toLowerCase();

export const GRAPH_BATCH_LIMIT = 20;

export interface FakeGraphEvent {
  id: string;
  subject: string;
  /** Exact times (all-day events: UTC midnights of their dates). */
  startMs: number;
  endMs: number;
  isAllDay: boolean;
  showAs: string;
  isCancelled: boolean;
  body?: { contentType: string; content: string };
  attendees?: { emailAddress: { address: string; name?: string }; type: string }[];
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: string;
  onlineMeeting?: { joinUrl: string } | null;
  transactionId?: string;
  originalStartTimeZone?: string;
  location?: { displayName: string };
  /** What the client sent for start/end (kept for assertions). */
  sentStart?: { dateTime: string; timeZone: string };
  sentEnd?: { dateTime: string; timeZone: string };
}

interface Stored {
  calendarId: string;
  event: FakeGraphEvent;
  seq: number;
  deleted: boolean;
  changeKey: string;
  lastModified: string;
}

export interface GraphCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  viaBatch: boolean;
  status: number;
}

export interface GraphCallFailure {
  status: number;
  retryAfter?: number;
  code?: string;
  message?: string;
  match?: (call: CallInfo) => boolean;
}

export interface FakeGraphCalendarInfo {
  id: string;
  name: string;
  isDefaultCalendar?: boolean;
  canEdit?: boolean;
}

export interface FakeGraph extends FakeServerBase {
  /** `<url>/v1.0`: MICROSOFT_GRAPH_API_BASE for the app. */
  baseUrl: string;
  /** Tokens this fake knows itself, with the permissions each was granted (besides those the OAuth fake issued). */
  tokens: Map<string, readonly string[]>;
  calendars: Map<string, FakeGraphCalendarInfo>;
  /** The mailbox's time zone (Graph reports Windows names for many mailboxes). */
  mailboxTimeZone: string;
  setMailboxTimeZone(name: string): void;
  addCalendar(info: FakeGraphCalendarInfo): void;
  addEvent(calendarId: string, event: Partial<FakeGraphEvent> & Pick<FakeGraphEvent, "startMs" | "endMs">): FakeGraphEvent;
  updateEvent(id: string, patch: Partial<FakeGraphEvent>): FakeGraphEvent;
  removeEvent(id: string): void;
  listEvents(calendarId: string): FakeGraphEvent[];
  calls: GraphCall[];
  batchRequests(): RecordedRequest[];
  failCalls(failure: GraphCallFailure, count?: number): void;
  expireDeltaTokens(): void;
}

const DEFAULT_CALENDAR: FakeGraphCalendarInfo = { id: "AAMkADefaultCalendar000", name: "Calendar", isDefaultCalendar: true, canEdit: true };

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: new Date().toISOString(), "request-id": crypto.randomUUID() } } };
}

/** Graph's date-time format: "2026-12-01T10:00:00.0000000" (here always UTC). */
function graphDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".0000000");
}

/** The instant a {dateTime, timeZone} names. The fake understands UTC and IANA zones via Intl. */
function instantOf(value: { dateTime?: string; timeZone?: string } | undefined): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value?.dateTime ?? "");
  if (!m) return null;
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const zone = value?.timeZone ?? "UTC";
  if (zone === "UTC") return local;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    return null;
  }
  const offset = (at: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second)) - at;
  };
  let guess = local - offset(local);
  guess = local - offset(guess);
  return guess;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export async function startFakeGraph(options: { port?: number; oauth?: TokenAuthority } = {}): Promise<FakeGraph> {
  const tokens = new Map<string, readonly string[]>([[GRAPH_TOKENS.valid, VALID_GRANT]]);
  const grantOf = (authorization: string | undefined) => {
    const bearer = authorization ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() : undefined;
    return bearer ? (tokens.get(bearer) ?? options.oauth?.grantedScopes("microsoft", bearer)) : undefined;
  };
  const calendars = new Map<string, FakeGraphCalendarInfo>();
  const events = new Map<string, Stored>();
  const calls: GraphCall[] = [];
  const failures = new CallFailureQueue<GraphCallFailure>();
  let seq = 0;
  let epoch = 1;
  let mailboxTimeZone = "W. Europe Standard Time";
  let baseUrl = "";
  calendars.set(DEFAULT_CALENDAR.id, DEFAULT_CALENDAR);

  const defaultCalendarId = () => [...calendars.values()].find((c) => c.isDefaultCalendar)?.id ?? DEFAULT_CALENDAR.id;
  const touch = (s: Stored) => {
    seq += 1;
    s.seq = seq;
    s.changeKey = crypto.randomBytes(6).toString("base64url");
    s.lastModified = new Date().toISOString();
  };

  const render = (s: Stored) => {
    const e = s.event;
    const { startMs, endMs, sentStart: _s, sentEnd: _e, transactionId: _t, ...rest } = e;
    return {
      "@odata.etag": `W/"${s.changeKey}"`,
      ...rest,
      changeKey: s.changeKey,
      lastModifiedDateTime: s.lastModified,
      start: { dateTime: graphDateTime(startMs), timeZone: "UTC" },
      end: { dateTime: graphDateTime(endMs), timeZone: "UTC" },
      type: "singleInstance",
    };
  };

  const store = (calendarId: string, event: FakeGraphEvent): Stored => {
    const s: Stored = { calendarId, event, seq: 0, deleted: false, changeKey: "", lastModified: "" };
    touch(s);
    events.set(event.id, s);
    return s;
  };

  const newId = () => `AAMkAD${crypto.randomBytes(12).toString("base64url")}=`;

  const fromBody = (body: Record<string, unknown>, existing?: FakeGraphEvent): FakeGraphEvent | string => {
    const start = body.start as { dateTime?: string; timeZone?: string } | undefined;
    const end = body.end as { dateTime?: string; timeZone?: string } | undefined;
    const isAllDay = (body.isAllDay as boolean | undefined) ?? existing?.isAllDay ?? false;
    let startMs = existing?.startMs;
    let endMs = existing?.endMs;
    if (start) {
      const at = isAllDay ? instantOf({ dateTime: start.dateTime, timeZone: "UTC" }) : instantOf(start);
      if (at === null) return "start is not a valid dateTimeTimeZone";
      startMs = at;
    }
    if (end) {
      const at = isAllDay ? instantOf({ dateTime: end.dateTime, timeZone: "UTC" }) : instantOf(end);
      if (at === null) return "end is not a valid dateTimeTimeZone";
      endMs = at;
    }
    if (startMs === undefined || endMs === undefined) return "start and end are required";
    if (isAllDay && (!/T00:00:00/.test(start?.dateTime ?? "T00:00:00") || !/T00:00:00/.test(end?.dateTime ?? "T00:00:00"))) {
      return "All-day events must start and end at midnight";
    }
    const online = (body.isOnlineMeeting as boolean | undefined) ?? existing?.isOnlineMeeting ?? false;
    const merged = { ...existing, ...body } as Record<string, unknown>;
    delete merged.start;
    delete merged.end;
    return {
      ...(merged as Partial<FakeGraphEvent>),
      id: existing?.id ?? newId(),
      subject: String(body.subject ?? existing?.subject ?? ""),
      startMs,
      endMs,
      isAllDay,
      showAs: String(body.showAs ?? existing?.showAs ?? "busy"),
      isCancelled: false,
      isOnlineMeeting: online,
      onlineMeeting: online ? (existing?.onlineMeeting ?? { joinUrl: `https://teams.microsoft.com/l/meetup-join/${crypto.randomBytes(8).toString("hex")}` }) : null,
      originalStartTimeZone: start?.timeZone ?? existing?.originalStartTimeZone ?? "UTC",
      ...(start ? { sentStart: start as { dateTime: string; timeZone: string } } : {}),
      ...(end ? { sentEnd: end as { dateTime: string; timeZone: string } } : {}),
    };
  };

  const calendarFromPath = (segment: string | undefined) => (segment === undefined ? defaultCalendarId() : decodeURIComponent(segment));

  // Delta state lives server-side; links carry only an opaque id.
  const deltaTokens = new Map<string, { calendarId: string; since: number; epoch: number; window: [number, number] }>();
  const skipTokens = new Map<string, { calendarId: string; since: number | null; upto: number; offset: number; window: [number, number]; epoch: number }>();

  const inWindow = (s: Stored, window: [number, number]) => s.event.endMs > window[0] && s.event.startMs < window[1];

  const deltaPage = (calendarId: string, since: number | null, upto: number, offset: number, window: [number, number], pageSize: number, calendarPath: string): Answer => {
    let rows = [...events.values()].filter((s) => s.calendarId === calendarId && s.seq <= upto && inWindow(s, window));
    if (since === null) rows = rows.filter((s) => !s.deleted);
    else rows = rows.filter((s) => s.seq > since);
    rows.sort((a, b) => a.seq - b.seq);
    const slice = rows.slice(offset, offset + pageSize);
    const more = offset + pageSize < rows.length;
    const value = slice.map((s) => (s.deleted ? { "@odata.type": "#microsoft.graph.event", id: s.event.id, "@removed": { reason: "deleted" } } : render(s)));
    const link = `${baseUrl}${calendarPath}/calendarView/delta`;
    if (more) {
      const t = crypto.randomBytes(9).toString("base64url");
      skipTokens.set(t, { calendarId, since, upto, offset: offset + pageSize, window, epoch });
      return { status: 200, body: { "@odata.context": `${baseUrl}/$metadata#Collection(event)`, "@odata.nextLink": `${link}?$skiptoken=${t}`, value } };
    }
    const t = crypto.randomBytes(9).toString("base64url");
    deltaTokens.set(t, { calendarId, since: upto, epoch, window });
    return { status: 200, body: { "@odata.context": `${baseUrl}/$metadata#Collection(event)`, "@odata.deltaLink": `${link}?$deltatoken=${t}`, value } };
  };

  const gone = (): Answer => ({ status: 410, body: graphError("SyncStateNotFound", "The sync state generation is old or the sync state is not found. Resync from scratch.") });

  const route = (method: string, path: string, q: Record<string, string>, body: unknown, prefer: string): Answer => {
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/v1.0/me")
      return { status: 200, body: { id: "user-1", displayName: "Owner", mail: "owner@plugboard.test", userPrincipalName: "owner@plugboard.test" } };
    if (method === "GET" && path === "/v1.0/me/mailboxSettings")
      return {
        status: 200,
        body: {
          timeZone: mailboxTimeZone,
          workingHours: { daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"], startTime: "08:00:00.0000000", endTime: "17:00:00.0000000" },
        },
      };
    if (method === "GET" && path === "/v1.0/me/calendars") return { status: 200, body: { value: [...calendars.values()].map((c) => ({ canEdit: true, ...c })) } };
    if ((m = /^\/v1\.0\/me\/(?:calendar|calendars\/([^/]+))\/calendarView\/delta$/.exec(path)) && method === "GET") {
      const calendarId = calendarFromPath(m[1]);
      if (!calendars.has(calendarId)) return { status: 404, body: graphError("ErrorItemNotFound", "The specified object was not found in the store.") };
      const pageSize = Number(/odata\.maxpagesize=(\d+)/.exec(prefer)?.[1] ?? 100);
      const calendarPath = m[1] ? `/me/calendars/${m[1]}` : "/me/calendar";
      if (q.$deltatoken) {
        const t = deltaTokens.get(q.$deltatoken);
        if (!t || t.calendarId !== calendarId) return { status: 400, body: graphError("BadRequest", "Invalid delta token") };
        if (t.epoch !== epoch) return gone();
        return deltaPage(calendarId, t.since, seq, 0, t.window, pageSize, calendarPath);
      }
      if (q.$skiptoken) {
        const t = skipTokens.get(q.$skiptoken);
        if (!t || t.calendarId !== calendarId) return { status: 400, body: graphError("BadRequest", "Invalid skip token") };
        if (t.epoch !== epoch) return gone();
        return deltaPage(calendarId, t.since, t.upto, t.offset, t.window, pageSize, calendarPath);
      }
      const start = Date.parse(q.startDateTime ?? "");
      const end = Date.parse(q.endDateTime ?? "");
      if (Number.isNaN(start) || Number.isNaN(end))
        return {
          status: 400,
          body: graphError("ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."),
        };
      return deltaPage(calendarId, null, seq, 0, [start, end], pageSize, calendarPath);
    }
    if ((m = /^\/v1\.0\/me\/(?:calendar|calendars\/([^/]+))\/calendarView$/.exec(path)) && method === "GET") {
      const calendarId = calendarFromPath(m[1]);
      if (!calendars.has(calendarId)) return { status: 404, body: graphError("ErrorItemNotFound", "The specified object was not found in the store.") };
      const start = Date.parse(q.startDateTime ?? "");
      const end = Date.parse(q.endDateTime ?? "");
      if (Number.isNaN(start) || Number.isNaN(end))
        return {
          status: 400,
          body: graphError("ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."),
        };
      const top = Math.min(Number(q.$top ?? 10) || 10, 1000);
      const skip = Number(q.$skip ?? 0) || 0;
      const rows = [...events.values()].filter((s) => s.calendarId === calendarId && !s.deleted && inWindow(s, [start, end])).sort((a, b) => a.event.startMs - b.event.startMs);
      const more = skip + top < rows.length;
      const next = new URLSearchParams({ ...q, $skip: String(skip + top) });
      return {
        status: 200,
        body: { value: rows.slice(skip, skip + top).map(render), ...(more ? { "@odata.nextLink": `${baseUrl}${path.replace(/^\/v1\.0/, "")}?${next}` } : {}) },
      };
    }
    if ((m = /^\/v1\.0\/me\/(?:calendar|calendars\/([^/]+))\/events$/.exec(path)) && method === "POST") {
      const calendarId = calendarFromPath(m[1]);
      if (!calendars.has(calendarId)) return { status: 404, body: graphError("ErrorItemNotFound", "The specified object was not found in the store.") };
      const input = (body ?? {}) as Record<string, unknown>;
      if (typeof input.transactionId === "string") {
        const existing = [...events.values()].find((s) => !s.deleted && s.event.transactionId === input.transactionId);
        if (existing) return { status: 201, body: render(existing) };
      }
      const event = fromBody(input);
      if (typeof event === "string") return { status: 400, body: graphError("ErrorInvalidRequest", event) };
      return { status: 201, body: render(store(calendarId, event)) };
    }
    if ((m = /^\/v1\.0\/me\/events\/([^/]+)$/.exec(path))) {
      const s = events.get(decodeURIComponent(m[1]!));
      if (!s || s.deleted) return { status: 404, body: graphError("ErrorItemNotFound", "The specified object was not found in the store.") };
      if (method === "GET") return { status: 200, body: render(s) };
      if (method === "DELETE") {
        s.deleted = true;
        touch(s);
        return { status: 204 };
      }
      if (method === "PATCH") {
        const event = fromBody((body ?? {}) as Record<string, unknown>, s.event);
        if (typeof event === "string") return { status: 400, body: graphError("ErrorInvalidRequest", event) };
        s.event = event;
        touch(s);
        return { status: 200, body: render(s) };
      }
    }
    return { status: 400, body: graphError("BadRequest", `Resource not found for the segment in ${path}`) };
  };

  const handleCall = (method: string, rawPath: string, authorization: string | undefined, body: unknown, prefer: string, viaBatch: boolean): Answer => {
    const url = new URL(rawPath, "http://fake.local");
    const query = Object.fromEntries(url.searchParams);
    const record = (answer: Answer): Answer => {
      calls.push({ method, path: url.pathname, query, body, viaBatch, status: answer.status });
      return answer;
    };
    const granted = grantOf(authorization)?.map(permissionName);
    if (!granted) return record({ status: 401, body: graphError("InvalidAuthenticationToken", "Access token is empty or invalid.") });
    const needs = permissionsFor(method, url.pathname);
    if (needs && !needs.accepted.some((p) => granted.includes(p.toLowerCase()))) {
      return record({
        status: 403,
        body: needs.directory
          ? graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
          : graphError("ErrorAccessDenied", "Access is denied. Check credentials and try again."),
      });
    }
    const f = failures.take({ method, path: url.pathname, body });
    if (f) {
      const code = f.code ?? (f.status === 429 ? "TooManyRequests" : f.status === 424 ? "FailedDependency" : f.status >= 500 ? "ServiceUnavailable" : "ErrorInvalidRequest");
      return record({
        status: f.status,
        headers: f.retryAfter !== undefined ? { "Retry-After": String(f.retryAfter) } : {},
        body: graphError(code, f.message ?? (f.status === 429 ? "Application is over its MailboxConcurrency limit." : "Injected failure")),
      });
    }
    return record(route(method, url.pathname, query, body, prefer));
  };

  const onFailure = (_req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) => {
    const headers: Record<string, string> = { ...failure.headers };
    if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
    const code = failure.status === 429 ? "TooManyRequests" : failure.status >= 500 ? "ServiceUnavailable" : "InjectedFailure";
    sendJson(res, failure.status, failure.body ?? graphError(code, "Injected failure"), headers);
  };

  const base = await startFakeServer({ port: options.port, onFailure }, (req, res) => {
    let body: unknown = undefined;
    if (req.body.trim()) {
      try {
        body = JSON.parse(req.body);
      } catch {
        return sendJson(res, 400, graphError("BadRequest", "Unable to read JSON request payload."));
      }
    }
    const prefer = String(req.headers.prefer ?? "");
    if (req.method === "POST" && req.path === "/v1.0/$batch") return handleBatch(req, res, body);
    const query = new URLSearchParams(req.query).toString();
    const answer = handleCall(req.method, `${req.path}${query ? `?${query}` : ""}`, req.headers.authorization, body, prefer, false);
    if (answer.body === undefined) {
      res.writeHead(answer.status, answer.headers ?? {});
      return res.end();
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  });
  baseUrl = `${base.url}/v1.0`;

  function handleBatch(req: RecordedRequest, res: http.ServerResponse, body: unknown) {
    if (!grantOf(req.headers.authorization)) return sendJson(res, 401, graphError("InvalidAuthenticationToken", "Access token is empty or invalid."));
    const requests = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(requests) || requests.length === 0) return sendJson(res, 400, graphError("BadRequest", "Invalid batch payload format."));
    if (requests.length > GRAPH_BATCH_LIMIT) return sendJson(res, 400, graphError("BadRequest", `Number of batch request steps exceeds the maximum of ${GRAPH_BATCH_LIMIT}.`));
    const ids = new Set<string>();
    const responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[] = [];
    for (const raw of requests as { id?: unknown; method?: unknown; url?: unknown; headers?: Record<string, string>; body?: unknown; dependsOn?: unknown }[]) {
      const id = String(raw.id ?? "");
      if (!id || ids.has(id)) return sendJson(res, 400, graphError("BadRequest", "Batch request ids must be unique and not empty."));
      ids.add(id);
      // dependsOn: run after those requests, and only if they succeeded; otherwise 424 Failed Dependency.
      const dependsOn = Array.isArray(raw.dependsOn) ? raw.dependsOn.map(String) : [];
      if (dependsOn.some((d) => !responses.some((r) => r.id === d)))
        return sendJson(res, 400, graphError("BadRequest", `Request ${id} depends on a request that is not before it in the batch.`));
      if (dependsOn.some((d) => responses.find((r) => r.id === d)!.status >= 400)) {
        responses.push({ id, status: 424, headers: { "Content-Type": "application/json" }, body: graphError("FailedDependency", "Failed dependency.") });
        continue;
      }
      const method = String(raw.method ?? "GET").toUpperCase();
      const url = String(raw.url ?? "");
      if (/^https?:/i.test(url)) return sendJson(res, 400, graphError("BadRequest", "Batch request urls must be relative."));
      if (raw.body !== undefined && !Object.keys(raw.headers ?? {}).some((k) => k.toLowerCase() === "content-type")) {
        return sendJson(res, 400, graphError("BadRequest", "Write request id : " + id + " does not contain Content-Type header or body."));
      }
      const prefer = Object.entries(raw.headers ?? {}).find(([k]) => k.toLowerCase() === "prefer")?.[1] ?? "";
      const answer = handleCall(method, `/v1.0${url.startsWith("/") ? "" : "/"}${url}`, req.headers.authorization, raw.body, prefer, true);
      responses.push({
        id,
        status: answer.status,
        headers: { ...(answer.body !== undefined ? { "Content-Type": "application/json" } : {}), ...answer.headers },
        ...(answer.body !== undefined ? { body: answer.body } : {}),
      });
    }
    // Graph does not promise any order: answer in reverse, so clients must match by id.
    sendJson(res, 200, { responses: responses.reverse() });
  }

  const reset = base.reset;
  const fake: FakeGraph = {
    ...base,
    baseUrl,
    tokens,
    calendars,
    get mailboxTimeZone() {
      return mailboxTimeZone;
    },
    setMailboxTimeZone(name) {
      mailboxTimeZone = name;
    },
    calls,
    addCalendar(info) {
      calendars.set(info.id, { canEdit: true, ...info });
    },
    addEvent(calendarId, input) {
      const event: FakeGraphEvent = { subject: "Event", isAllDay: false, showAs: "busy", isCancelled: false, ...input, id: input.id ?? newId() };
      return store(calendarId === "primary" ? defaultCalendarId() : calendarId, event).event;
    },
    updateEvent(id, patch) {
      const s = events.get(id);
      if (!s) throw new Error(`no event ${id}`);
      s.event = { ...s.event, ...patch };
      touch(s);
      return s.event;
    },
    removeEvent(id) {
      const s = events.get(id);
      if (!s) throw new Error(`no event ${id}`);
      s.deleted = true;
      touch(s);
    },
    listEvents(calendarId) {
      const id = calendarId === "primary" ? defaultCalendarId() : calendarId;
      return [...events.values()].filter((s) => s.calendarId === id && !s.deleted).map((s) => s.event);
    },
    batchRequests() {
      return base.requests.filter((r) => r.path === "/v1.0/$batch");
    },
    failCalls(failure, count = 1) {
      failures.add(failure, count);
    },
    expireDeltaTokens() {
      epoch += 1;
    },
    reset() {
      reset();
      calls.length = 0;
      failures.clear();
      events.clear();
      deltaTokens.clear();
      skipTokens.clear();
      calendars.clear();
      calendars.set(DEFAULT_CALENDAR.id, DEFAULT_CALENDAR);
      mailboxTimeZone = "W. Europe Standard Time";
      tokens.clear();
      tokens.set(GRAPH_TOKENS.valid, VALID_GRANT);
    },
  };
  return fake;
}
