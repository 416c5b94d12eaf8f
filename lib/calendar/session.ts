// Opening a workspace's calendar and calling it through the pipeline. A calendar is named
// "<provider>[@<connection id>][:<calendar id>]" ("google-calendar", "outlook-calendar:AAMkAD…",
// "google-calendar@ckx…:team@group.calendar.google.com"); no calendar id means the account's
// primary calendar, no connection id the provider's default connection (one workspace may
// connect several accounts of a provider).
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import { calendarAccess, CalendarNotConnectedError } from "@/lib/calendar/token-source";
import type { CalendarClient, CalendarProviderId } from "@/lib/integrations/kit/ports/calendar";
import { ApiError } from "@/lib/http/api";
export { providerFailure } from "@/lib/connections/failures";
import { getProvider, hasSlot, loadPort, providersWith } from "@/lib/integrations/registry";
import { callProvider, type CallOptions, type CallResult } from "@/lib/pipeline";

export interface CalendarRef {
  providerId: CalendarProviderId;
  calendarId: string;
  /** The connection (account) the calendar belongs to; the provider's default when absent. */
  connectionId?: string;
}

export const PRIMARY = "primary";

export function formatCalendarRef(ref: CalendarRef): string {
  const head = ref.connectionId ? `${ref.providerId}@${ref.connectionId}` : ref.providerId;
  return ref.calendarId === PRIMARY ? head : `${head}:${ref.calendarId}`;
}

export function providerName(providerId: string): string {
  return getProvider(providerId)?.name ?? providerId;
}

/** The providers that fill the calendar slot, in registry order. */
export function calendarProviderIds(): CalendarProviderId[] {
  return providersWith("calendar").map((p) => p.id);
}

export const isCalendarProvider = (id: string): id is CalendarProviderId => hasSlot(id, "calendar");

const refHint = () => `use ${calendarProviderIds().join(" or ")}, optionally followed by "@<connection id>" and ":<calendar id>"`;

/** Reads "<provider>[@<connection id>][:<calendar id>]"; the message says what is wrong. */
export function parseCalendarRef(value: string): CalendarRef | { error: string } {
  const text = value.trim();
  const colon = text.indexOf(":");
  const head = colon === -1 ? text : text.slice(0, colon);
  const calendarId = colon === -1 ? PRIMARY : text.slice(colon + 1);
  const at = head.indexOf("@");
  const providerId = at === -1 ? head : head.slice(0, at);
  const connectionId = at === -1 ? undefined : head.slice(at + 1);
  if (!isCalendarProvider(providerId)) return { error: `Unknown calendar "${text.slice(0, 80)}": ${refHint()}` };
  if (connectionId !== undefined && !/^[a-z0-9]{8,40}$/i.test(connectionId)) return { error: `Invalid connection id in "${text.slice(0, 80)}": ${refHint()}` };
  if (!calendarId || calendarId.length > 512 || /[\u0000-\u001f]/.test(calendarId)) return { error: `Invalid calendar id in "${text.slice(0, 80)}": ${refHint()}` };
  return connectionId ? { providerId, calendarId, connectionId } : { providerId, calendarId };
}

/** A calendar reference in a request body or query (400 naming it when unknown). */
export const calendarRefSchema = z.string({ error: `Expected a calendar: ${refHint()}` }).transform((value, ctx): CalendarRef => {
  const parsed = parseCalendarRef(value);
  if ("error" in parsed) {
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }
  return parsed;
});

/**
 * The activity and audit actor of a signed-in user — the same "user:<email>" as actorOf in
 * lib/auth/session, which cannot be imported here: it loads next-auth, and the jobs/ CLIs and
 * benchmarks run this code outside Next.
 */
export function userActor(user: Pick<SessionUser, "email">): string {
  return `user:${user.email}`;
}

export interface CalendarSession {
  workspaceId: string;
  connectionId: string;
  providerId: CalendarProviderId;
  /** Who caused the calls (activity log). */
  actor: string;
  client: CalendarClient;
}

/** Which calendar connection to open: a named one, or the provider's default. */
export type CalendarTarget = Pick<CalendarRef, "providerId"> & { connectionId?: string | null };

/** The calendar client of a workspace's connection; throws CalendarNotConnectedError when there is none. */
export async function openCalendar(workspaceId: string, target: CalendarTarget, actor: string): Promise<CalendarSession> {
  const { providerId } = target;
  const { connectionId, accessToken } = await calendarAccess(workspaceId, target);
  // Loaded on use, so routes that never call a provider do not load its SDK.
  const client = await (await loadPort(providerId, "calendar")).createClient(accessToken);
  return { workspaceId, connectionId, providerId, actor, client };
}

/** One provider call through the pipeline, classified by the provider's own rules. */
export function callCalendar<T>(
  session: CalendarSession,
  operation: string,
  fn: (client: CalendarClient, signal: AbortSignal) => Promise<T>,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  return callProvider(
    { workspaceId: session.workspaceId, connectionId: session.connectionId, providerId: session.providerId, operation, actor: session.actor },
    (signal) => fn(session.client, signal),
    { classify: session.client.classify, ...options },
  );
}

/** openCalendar for request handlers: a calendar that is not connected is a 409 saying so. */
export async function openCalendarForRequest(workspaceId: string, target: CalendarTarget, actor: string): Promise<CalendarSession> {
  try {
    return await openCalendar(workspaceId, target, actor);
  } catch (error) {
    if (error instanceof CalendarNotConnectedError) throw new ApiError(409, `${error.message}. Connect it on the Integrations page first.`);
    throw error;
  }
}

/**
 * A 400 when the account has no calendar with this id — checked before a batch job is stored, so
 * a typo does not turn into thousands of failed items. "primary" always exists; when the list
 * cannot be read, the job goes ahead and the items report what the provider says.
 */
export async function requireKnownCalendar(session: CalendarSession, ref: CalendarRef, field = "calendar"): Promise<void> {
  if (ref.calendarId === PRIMARY) return;
  const result = await callCalendar(session, "calendars.list", (client, signal) => client.listCalendars(signal));
  if (!result.ok || result.value.some((c) => c.id === ref.calendarId)) return;
  const known = result.value.map((c) => formatCalendarRef({ ...ref, calendarId: c.primary ? PRIMARY : c.id })).slice(0, 10);
  throw new ApiError(400, `Unknown calendar "${formatCalendarRef(ref).slice(0, 120)}": this ${providerName(ref.providerId)} account has ${known.join(", ") || "no calendars"}`, {
    [field]: "No such calendar in the connected account",
  });
}
