// A fake Google Calendar API v3 for googleapis and Plugboard's own batch client: Bearer tokens,
// JSON resources shaped like Google's, errors as {"error": {"code", "message", "errors": [{"reason"}]}},
// the multipart/mixed batch endpoint (POST /batch/calendar/v3, at most 1000 calls), sync tokens
// (nextSyncToken; 410 fullSyncRequired once they are expired), client-chosen event ids (409 on
// a repeat) and conference data. Failures can be injected per HTTP request (failNext) or per call
// inside a batch (failCalls), e.g. 429 with Retry-After for some items only.
import crypto from "node:crypto";
import type http from "node:http";
import { localDateTime, offsetAt, parseDateTimeIn, startOfDay } from "@/lib/integrations/kit/time";

/** "2026-12-01T10:00:00+01:00": the wall clock in `zone` with its offset, as Google answers. */
function rfc3339(instant: number, zone: string): string {
  const offset = offsetAt(instant, zone) / 60_000;
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${localDateTime(instant, zone)}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
import { CallFailureQueue, sendJson, startFakeServer, type CallInfo, type FakeServerBase, type InjectedFailure, type RecordedRequest } from "@/tests/fakes/http";

export const GOOGLE_TOKENS = {
  /** Granted https://www.googleapis.com/auth/calendar (every Calendar method). */
  valid: "ya29.PlugboardGoogleValidToken0000000001",
  /** Well-formed but unknown: always 401. */
  invalid: "ya29.PlugboardGoogleWrongToken000000009",
} as const;

const AUTH = "https://www.googleapis.com/auth/";

// The scopes that may read events (events.list and events.get document the same list), and write them.
const READ_EVENTS = [
  "calendar",
  "calendar.app.created",
  "calendar.events",
  "calendar.events.freebusy",
  "calendar.events.owned",
  "calendar.events.owned.readonly",
  "calendar.events.public.readonly",
  "calendar.events.readonly",
  "calendar.readonly",
];
const WRITE_EVENTS = ["calendar", "calendar.app.created", "calendar.events", "calendar.events.owned"];

/**
 * Each method's "Authorization scopes" in Google's Calendar API reference (the discovery
 * document's lists): a token needs one of them, or the call is refused with 403.
 */
export const GOOGLE_METHOD_SCOPES: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries({
    "calendarList.list": ["calendar", "calendar.calendarlist", "calendar.calendarlist.readonly", "calendar.readonly"],
    "calendars.get": ["calendar", "calendar.app.created", "calendar.calendars", "calendar.calendars.readonly", "calendar.readonly"],
    "events.list": READ_EVENTS,
    "events.get": READ_EVENTS,
    "events.insert": WRITE_EVENTS,
    "events.patch": WRITE_EVENTS,
    "events.update": WRITE_EVENTS,
    "events.delete": WRITE_EVENTS,
    "events.move": ["calendar", "calendar.events", "calendar.events.owned"],
    "freebusy.query": ["calendar", "calendar.events.freebusy", "calendar.freebusy", "calendar.readonly"],
  }).map(([method, scopes]) => [method, scopes.map((scope) => AUTH + scope)]),
);

/** The Calendar API method a request calls (names as in the reference), or null for an unknown route. */
function methodOf(verb: string, path: string): string | null {
  if (path === "/calendar/v3/users/me/calendarList") return verb === "GET" ? "calendarList.list" : null;
  if (path === "/calendar/v3/freeBusy") return verb === "POST" ? "freebusy.query" : null;
  if (/^\/calendar\/v3\/calendars\/[^/]+$/.test(path)) return verb === "GET" ? "calendars.get" : null;
  if (/^\/calendar\/v3\/calendars\/[^/]+\/events$/.test(path)) return verb === "GET" ? "events.list" : verb === "POST" ? "events.insert" : null;
  if (/^\/calendar\/v3\/calendars\/[^/]+\/events\/[^/]+\/move$/.test(path)) return verb === "POST" ? "events.move" : null;
  if (/^\/calendar\/v3\/calendars\/[^/]+\/events\/[^/]+$/.test(path))
    return ({ GET: "events.get", PATCH: "events.patch", PUT: "events.update", DELETE: "events.delete" } as Record<string, string>)[verb] ?? null;
  return null;
}

/** Google's answer to a token without any of the method's scopes. */
function insufficientScopes(method: string) {
  const [resource, verb] = method.split(".") as [string, string];
  const rpc = `calendar.v3.${resource[0]!.toUpperCase()}${resource.slice(1)}.${verb[0]!.toUpperCase()}${verb.slice(1)}`;
  return {
    error: {
      code: 403,
      message: "Request had insufficient authentication scopes.",
      errors: [{ message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" }],
      status: "PERMISSION_DENIED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
          domain: "googleapis.com",
          metadata: { method: rpc, service: "calendar-json.googleapis.com" },
        },
      ],
    },
  };
}

/** Who issued a token and what it may do: the fake OAuth server (tests/fakes/oauth.ts). */
export interface TokenAuthority {
  grantedScopes(provider: "google" | "microsoft", token: string): string[] | undefined;
}

export const GOOGLE_BATCH_LIMIT = 1000;

export interface GoogleDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export interface FakeGoogleEvent {
  id: string;
  etag: string;
  status: "confirmed" | "tentative" | "cancelled";
  summary?: string;
  description?: string;
  location?: string;
  start: GoogleDateTime;
  end: GoogleDateTime;
  transparency?: "opaque" | "transparent";
  attendees?: { email: string; displayName?: string; optional?: boolean; responseStatus?: string }[];
  reminders?: { useDefault: boolean; overrides?: { method: string; minutes: number }[] };
  conferenceData?: unknown;
  hangoutLink?: string;
  extendedProperties?: unknown;
  created: string;
  updated: string;
  [key: string]: unknown;
}

interface StoredEvent {
  calendarId: string;
  event: FakeGoogleEvent;
  /** Change sequence number of the last change (sync tokens compare against it). */
  seq: number;
}

export interface FakeGoogleCalendarInfo {
  id: string;
  summary: string;
  timeZone: string;
  primary?: boolean;
  accessRole?: "owner" | "writer" | "reader";
}

/** One API call as the fake handled it: a plain request, or one part of a batch. */
export interface GoogleCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  viaBatch: boolean;
  /** The status the fake answered. */
  status: number;
}

export interface CallFailure {
  status: number;
  retryAfter?: number;
  reason?: string;
  message?: string;
  /** Only calls this matches fail (default: any call). */
  match?: (call: CallInfo) => boolean;
}

export interface FakeGoogleCalendar extends FakeServerBase {
  /** Tokens this fake knows itself, with the scopes each was granted (besides those the OAuth fake issued). */
  tokens: Map<string, readonly string[]>;
  calendars: Map<string, FakeGoogleCalendarInfo>;
  addCalendar(info: FakeGoogleCalendarInfo): void;
  /** Stores an event directly (as if made elsewhere); `primary` names the primary calendar. */
  addEvent(calendarId: string, event: Partial<FakeGoogleEvent> & Pick<FakeGoogleEvent, "start" | "end">): FakeGoogleEvent;
  updateEvent(calendarId: string, id: string, patch: Partial<FakeGoogleEvent>): FakeGoogleEvent;
  removeEvent(calendarId: string, id: string): void;
  /** Live (not cancelled) events of a calendar. */
  listEvents(calendarId: string): FakeGoogleEvent[];
  /** Every call, inside batches or not. */
  calls: GoogleCall[];
  /** HTTP requests to the batch endpoint. */
  batchRequests(): RecordedRequest[];
  /** The next `count` calls that match fail with this (inside a batch: that part only). */
  failCalls(failure: CallFailure, count?: number): void;
  /** Every sync token handed out so far answers 410 from now on. */
  expireSyncTokens(): void;
}

const DEFAULT_PRIMARY: FakeGoogleCalendarInfo = { id: "owner@plugboard.test", summary: "Owner", timeZone: "Europe/Berlin", primary: true };

function googleError(status: number, reason: string, message: string) {
  return { error: { errors: [{ domain: status === 403 || status === 429 ? "usageLimits" : "global", reason, message }], code: status, message } };
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const BASE32HEX = /^[a-v0-9]{5,1024}$/;

const FULL_ACCESS = [`${AUTH}calendar`];

export async function startFakeGoogleCalendar(options: { port?: number; oauth?: TokenAuthority } = {}): Promise<FakeGoogleCalendar> {
  const tokens = new Map<string, readonly string[]>([[GOOGLE_TOKENS.valid, FULL_ACCESS]]);
  const scopesOf = (token: string) => tokens.get(token) ?? options.oauth?.grantedScopes("google", token);
  const calendars = new Map<string, FakeGoogleCalendarInfo>();
  const events = new Map<string, Map<string, StoredEvent>>();
  const calls: GoogleCall[] = [];
  const callFailures = new CallFailureQueue<CallFailure>();
  let seq = 0;
  let epoch = 1;
  let idCounter = 0;

  const addCalendar = (info: FakeGoogleCalendarInfo) => {
    calendars.set(info.id, { accessRole: "owner", ...info });
    if (!events.has(info.id)) events.set(info.id, new Map());
  };
  addCalendar(DEFAULT_PRIMARY);

  const resolveCalendar = (id: string) => (id === "primary" ? ([...calendars.values()].find((c) => c.primary)?.id ?? id) : id);
  const store = (calendarId: string) => events.get(resolveCalendar(calendarId));

  const nowIso = () => new Date().toISOString();
  const bump = (stored: StoredEvent) => {
    seq += 1;
    stored.seq = seq;
    stored.event.etag = `"${seq}"`;
    stored.event.updated = nowIso();
  };

  /** Google stores times with an offset (RFC 3339), in the event's zone, whatever form they came in. */
  const normalizeTimes = (calendarId: string, event: FakeGoogleEvent) => {
    const zone = calendars.get(resolveCalendar(calendarId))?.timeZone ?? "UTC";
    for (const key of ["start", "end"] as const) {
      const t = event[key];
      if (!t?.dateTime) continue;
      const instant = /(Z|[+-]\d{2}:?\d{2})$/.test(t.dateTime) ? Date.parse(t.dateTime) : parseDateTimeIn(t.dateTime, t.timeZone ?? zone);
      if (instant === null || Number.isNaN(instant)) continue;
      event[key] = { ...t, dateTime: rfc3339(instant, t.timeZone ?? zone) };
    }
  };

  const put = (calendarId: string, event: FakeGoogleEvent): FakeGoogleEvent => {
    normalizeTimes(calendarId, event);
    const s = store(calendarId)!;
    const stored: StoredEvent = { calendarId: resolveCalendar(calendarId), event, seq: 0 };
    bump(stored);
    s.set(event.id, stored);
    return event;
  };

  const newEvent = (input: Partial<FakeGoogleEvent> & Pick<FakeGoogleEvent, "start" | "end">, id?: string): FakeGoogleEvent => ({
    status: "confirmed",
    ...input,
    id: id ?? input.id ?? `evt${(++idCounter).toString(32)}${crypto.randomBytes(4).toString("hex")}`,
    etag: "",
    created: nowIso(),
    updated: nowIso(),
  });

  const withConference = (event: FakeGoogleEvent, version: string | undefined) => {
    const request = (event.conferenceData as { createRequest?: { requestId?: string; conferenceSolutionKey?: { type?: string } } } | undefined)?.createRequest;
    if (version === "1" && request) {
      const code = crypto.createHash("sha1").update(String(request.requestId)).digest("hex");
      const uri = `https://meet.google.com/${code.slice(0, 3)}-${code.slice(3, 7)}-${code.slice(7, 10)}`;
      event.conferenceData = {
        createRequest: { ...request, status: { statusCode: "success" } },
        entryPoints: [{ entryPointType: "video", uri, label: uri.replace("https://", "") }],
        conferenceSolution: { key: { type: request.conferenceSolutionKey?.type ?? "hangoutsMeet" }, name: "Google Meet" },
        conferenceId: uri.slice(-12),
      };
      event.hangoutLink = uri;
    } else if (version !== "1") {
      delete event.conferenceData;
    }
  };

  /** [start, end) of an event in ms (all-day events: local midnights in the calendar's zone). */
  const bounds = (calendarId: string, e: FakeGoogleEvent): [number, number] => {
    const zone = calendars.get(calendarId)?.timeZone ?? "UTC";
    const at = (t: GoogleDateTime) => (t.date ? startOfDay(t.date, zone) : Date.parse(t.dateTime ?? ""));
    return [at(e.start), at(e.end)];
  };

  // Sync and page tokens are opaque to clients; here they are base64url JSON.
  const token = (data: unknown) => Buffer.from(JSON.stringify(data)).toString("base64url");
  const untoken = <T>(value: string): T | null => {
    try {
      return JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as T;
    } catch {
      return null;
    }
  };

  const listEventsAnswer = (calendarId: string, q: Record<string, string>): Answer => {
    const s = store(calendarId);
    if (!s) return { status: 404, body: googleError(404, "notFound", "Not Found") };
    const realId = resolveCalendar(calendarId);
    const maxResults = Math.min(Number(q.maxResults ?? 250) || 250, 2500);
    const page = q.pageToken ? untoken<{ offset: number; upto: number; since: number | null }>(q.pageToken) : null;
    if (q.pageToken && !page) return { status: 400, body: googleError(400, "invalid", "Invalid page token") };
    let since: number | null = null;
    if (q.syncToken) {
      for (const bad of ["timeMin", "timeMax", "orderBy", "q", "updatedMin", "iCalUID"]) {
        if (q[bad]) return { status: 400, body: googleError(400, "invalid", `${bad} cannot be used with syncToken`) };
      }
      const sync = untoken<{ seq: number; epoch: number; calendarId: string }>(q.syncToken);
      if (!sync || sync.calendarId !== realId) return { status: 400, body: googleError(400, "invalid", "Invalid sync token value.") };
      if (sync.epoch !== epoch) return { status: 410, body: googleError(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.") };
      since = sync.seq;
    }
    const upto = page?.upto ?? seq;
    const effectiveSince = page ? page.since : since;
    let rows = [...s.values()].filter((r) => r.seq <= upto);
    if (effectiveSince !== null) rows = rows.filter((r) => r.seq > effectiveSince);
    else if (q.showDeleted !== "true") rows = rows.filter((r) => r.event.status !== "cancelled");
    if (q.timeMin || q.timeMax) {
      const min = q.timeMin ? Date.parse(q.timeMin) : -Infinity;
      const max = q.timeMax ? Date.parse(q.timeMax) : Infinity;
      // Google: timeMin bounds the end, timeMax the start, both exclusive.
      rows = rows.filter((r) => {
        const [start, end] = bounds(realId, r.event);
        return end > min && start < max;
      });
    }
    if (q.orderBy === "startTime") rows.sort((a, b) => bounds(realId, a.event)[0] - bounds(realId, b.event)[0]);
    else rows.sort((a, b) => a.seq - b.seq);
    const offset = page?.offset ?? 0;
    const slice = rows.slice(offset, offset + maxResults);
    const more = offset + maxResults < rows.length;
    const info = calendars.get(realId)!;
    return {
      status: 200,
      body: {
        kind: "calendar#events",
        etag: `"${upto}"`,
        summary: info.summary,
        timeZone: info.timeZone,
        updated: nowIso(),
        accessRole: info.accessRole,
        items: slice.map((r) => r.event),
        ...(more ? { nextPageToken: token({ offset: offset + maxResults, upto, since: effectiveSince }) } : { nextSyncToken: token({ seq: upto, epoch, calendarId: realId }) }),
      },
    };
  };

  const route = (method: string, path: string, q: Record<string, string>, body: unknown): Answer => {
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/calendar/v3/users/me/calendarList") {
      return {
        status: 200,
        body: {
          kind: "calendar#calendarList",
          items: [...calendars.values()].map((c) => ({
            kind: "calendar#calendarListEntry",
            id: c.id,
            summary: c.summary,
            timeZone: c.timeZone,
            accessRole: c.accessRole,
            ...(c.primary ? { primary: true } : {}),
          })),
        },
      };
    }
    if ((m = /^\/calendar\/v3\/calendars\/([^/]+)$/.exec(path)) && method === "GET") {
      const info = calendars.get(resolveCalendar(decodeURIComponent(m[1]!)));
      if (!info) return { status: 404, body: googleError(404, "notFound", "Not Found") };
      return { status: 200, body: { kind: "calendar#calendar", id: info.id, summary: info.summary, timeZone: info.timeZone } };
    }
    if ((m = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(path))) {
      const calendarId = decodeURIComponent(m[1]!);
      if (method === "GET") return listEventsAnswer(calendarId, q);
      if (method === "POST") {
        const s = store(calendarId);
        if (!s) return { status: 404, body: googleError(404, "notFound", "Not Found") };
        const input = (body ?? {}) as Partial<FakeGoogleEvent>;
        if (!input.start || !input.end) return { status: 400, body: googleError(400, "required", "Missing end time.") };
        if (input.id !== undefined) {
          if (typeof input.id !== "string" || !BASE32HEX.test(input.id)) return { status: 400, body: googleError(400, "invalid", "Invalid resource id value.") };
          if (s.has(input.id)) return { status: 409, body: googleError(409, "duplicate", "The requested identifier already exists.") };
        }
        const event = newEvent(input as FakeGoogleEvent);
        withConference(event, q.conferenceDataVersion);
        return { status: 200, body: put(calendarId, event) };
      }
    }
    if ((m = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)\/move$/.exec(path)) && method === "POST") {
      const from = store(decodeURIComponent(m[1]!));
      const to = q.destination ? store(q.destination) : undefined;
      const stored = from?.get(decodeURIComponent(m[2]!));
      if (!stored || stored.event.status === "cancelled") return { status: 404, body: googleError(404, "notFound", "Not Found") };
      if (!to) return { status: 404, body: googleError(404, "notFound", "Not Found") };
      const moved: FakeGoogleEvent = { ...stored.event };
      stored.event = { ...stored.event, status: "cancelled" };
      bump(stored);
      return { status: 200, body: put(q.destination!, moved) };
    }
    if ((m = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/.exec(path))) {
      const s = store(decodeURIComponent(m[1]!));
      const stored = s?.get(decodeURIComponent(m[2]!));
      if (!stored) return { status: 404, body: googleError(404, "notFound", "Not Found") };
      if (stored.event.status === "cancelled") return { status: 410, body: googleError(410, "deleted", "Resource has been deleted") };
      if (method === "GET") return { status: 200, body: stored.event };
      if (method === "DELETE") {
        stored.event = { ...stored.event, status: "cancelled" };
        bump(stored);
        return { status: 204 };
      }
      if (method === "PATCH" || method === "PUT") {
        const input = (body ?? {}) as Partial<FakeGoogleEvent>;
        const next = method === "PUT" ? { ...(input as FakeGoogleEvent), id: stored.event.id, created: stored.event.created } : { ...stored.event, ...input, id: stored.event.id };
        withConference(next as FakeGoogleEvent, q.conferenceDataVersion ?? (next.conferenceData ? "1" : undefined));
        normalizeTimes(stored.calendarId, next as FakeGoogleEvent);
        stored.event = next as FakeGoogleEvent;
        bump(stored);
        return { status: 200, body: stored.event };
      }
    }
    return { status: 404, body: googleError(404, "notFound", "Not Found") };
  };

  /** Handles one call (plain or batched): token check, injected call failures, then the route. */
  const handleCall = (method: string, rawPath: string, authorization: string | undefined, bodyText: string, viaBatch: boolean): Answer => {
    const url = new URL(rawPath, "http://fake.local");
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = undefined;
    if (bodyText.trim()) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        return record({ status: 400, body: googleError(400, "parseError", "Parse Error") });
      }
    }
    function record(answer: Answer): Answer {
      calls.push({ method, path: url.pathname, query, body, viaBatch, status: answer.status });
      return answer;
    }
    const bearer = authorization ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() : undefined;
    const granted = bearer ? scopesOf(bearer) : undefined;
    if (!granted) return record({ status: 401, body: googleError(401, "authError", "Invalid Credentials") });
    const apiMethod = methodOf(method, url.pathname);
    if (apiMethod && !GOOGLE_METHOD_SCOPES[apiMethod]!.some((scope) => granted.includes(scope))) return record({ status: 403, body: insufficientScopes(apiMethod) });
    const f = callFailures.take({ method, path: url.pathname, body });
    if (f) {
      const reason = f.reason ?? (f.status === 429 || f.status === 403 ? "rateLimitExceeded" : f.status >= 500 ? "backendError" : "failed");
      return record({
        status: f.status,
        headers: f.retryAfter !== undefined ? { "Retry-After": String(f.retryAfter) } : {},
        body: googleError(f.status, reason, f.message ?? (f.status === 429 ? "Rate Limit Exceeded" : f.status >= 500 ? "Backend Error" : "Injected failure")),
      });
    }
    return record(route(method, url.pathname, query, body));
  };

  const onFailure = (_req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) => {
    const headers: Record<string, string> = { ...failure.headers };
    if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
    const reason = failure.status === 429 ? "rateLimitExceeded" : failure.status >= 500 ? "backendError" : "failed";
    sendJson(res, failure.status, failure.body ?? googleError(failure.status, reason, STATUS_TEXT[failure.status] ?? "Injected failure"), headers);
  };

  const base = await startFakeServer({ port: options.port, onFailure }, (req, res) => {
    if (req.method === "POST" && req.path === "/batch/calendar/v3") return handleBatch(req, res);
    const query = new URLSearchParams(req.query).toString();
    const answer = handleCall(req.method, `${req.path}${query ? `?${query}` : ""}`, req.headers.authorization, req.body, false);
    if (answer.body === undefined) {
      res.writeHead(answer.status, answer.headers ?? {});
      return res.end();
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  });

  function handleBatch(req: RecordedRequest, res: http.ServerResponse) {
    const type = req.headers["content-type"] ?? "";
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    if (!/^multipart\/mixed/i.test(type) || !boundary) return sendJson(res, 400, googleError(400, "badContent", "Content-Type must be multipart/mixed with a boundary"));
    const delimiter = `--${boundary[1] ?? boundary[2]}`;
    const parts: { contentId: string | null; method: string; path: string; headers: Record<string, string>; body: string }[] = [];
    for (const segment of req.body.split(delimiter).slice(1)) {
      if (segment.startsWith("--")) break;
      const text = segment.replace(/^\r?\n/, "");
      const outerEnd = text.search(/\r?\n\r?\n/);
      if (outerEnd === -1) return sendJson(res, 400, googleError(400, "badContent", "Malformed batch part"));
      const outer = text.slice(0, outerEnd);
      if (!/content-type:\s*application\/http/i.test(outer)) return sendJson(res, 400, googleError(400, "badContent", "Each batch part must be Content-Type: application/http"));
      const contentId = /content-id:\s*<?([^>\r\n]+)>?/i.exec(outer)?.[1]?.trim() ?? null;
      const inner = text.slice(outerEnd).replace(/^\r?\n\r?\n/, "");
      const innerEnd = inner.search(/\r?\n\r?\n/);
      const head = (innerEnd === -1 ? inner : inner.slice(0, innerEnd)).split(/\r?\n/);
      const body =
        innerEnd === -1
          ? ""
          : inner
              .slice(innerEnd)
              .replace(/^\r?\n\r?\n/, "")
              .replace(/\r?\n$/, "");
      const requestLine = /^(GET|POST|PUT|PATCH|DELETE)\s+(\/\S*)\s+HTTP\/1\.1$/.exec(head[0] ?? "");
      if (!requestLine) return sendJson(res, 400, googleError(400, "badContent", `Malformed request line in batch part: ${head[0] ?? ""}`));
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      parts.push({ contentId, method: requestLine[1]!, path: requestLine[2]!, headers, body });
    }
    if (parts.length === 0) return sendJson(res, 400, googleError(400, "badContent", "Empty batch"));
    if (parts.length > GOOGLE_BATCH_LIMIT) return sendJson(res, 400, googleError(400, "badRequest", `A batch may contain at most ${GOOGLE_BATCH_LIMIT} calls`));
    const out = `batch_${crypto.randomBytes(8).toString("hex")}`;
    const lines: string[] = [];
    for (const part of parts) {
      const answer = handleCall(part.method, part.path, part.headers.authorization ?? req.headers.authorization, part.body, true);
      const json = answer.body === undefined ? "" : JSON.stringify(answer.body);
      lines.push(`--${out}`, "Content-Type: application/http", ...(part.contentId ? [`Content-ID: <response-${part.contentId}>`] : []), "");
      lines.push(`HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? "Status"}`);
      for (const [k, v] of Object.entries(answer.headers ?? {})) lines.push(`${k}: ${v}`);
      if (json) lines.push("Content-Type: application/json; charset=UTF-8", `Content-Length: ${Buffer.byteLength(json)}`);
      lines.push("", json);
    }
    lines.push(`--${out}--`, "");
    const text = lines.join("\r\n");
    res.writeHead(200, { "content-type": `multipart/mixed; boundary=${out}`, "content-length": String(Buffer.byteLength(text)) });
    res.end(text);
  }

  const reset = base.reset;
  return {
    ...base,
    tokens,
    calendars,
    calls,
    addCalendar,
    addEvent(calendarId, input) {
      const event = newEvent(input as FakeGoogleEvent);
      return put(calendarId, event);
    },
    updateEvent(calendarId, id, patch) {
      const stored = store(calendarId)?.get(id);
      if (!stored) throw new Error(`no event ${id}`);
      stored.event = { ...stored.event, ...patch };
      normalizeTimes(stored.calendarId, stored.event);
      bump(stored);
      return stored.event;
    },
    removeEvent(calendarId, id) {
      const stored = store(calendarId)?.get(id);
      if (!stored) throw new Error(`no event ${id}`);
      stored.event = { ...stored.event, status: "cancelled" };
      bump(stored);
    },
    listEvents(calendarId) {
      return [...(store(calendarId)?.values() ?? [])].filter((r) => r.event.status !== "cancelled").map((r) => r.event);
    },
    batchRequests() {
      return base.requests.filter((r) => r.path === "/batch/calendar/v3");
    },
    failCalls(failure, count = 1) {
      callFailures.add(failure, count);
    },
    expireSyncTokens() {
      epoch += 1;
    },
    reset() {
      reset();
      calls.length = 0;
      callFailures.clear();
      events.clear();
      calendars.clear();
      addCalendar(DEFAULT_PRIMARY);
      tokens.clear();
      tokens.set(GOOGLE_TOKENS.valid, FULL_ACCESS);
    },
  };
}
