// What each Calendar API method this client calls needs, from the method's "Authorization scopes"
// in Google's reference (the same lists the discovery document carries): the narrowest scope the
// manifest asks for that allows it, and what Google's consent screen shows for that scope, so a
// refusal for a missing scope can say which box the user has to tick when reconnecting.
const AUTH = "https://www.googleapis.com/auth/";

export type GoogleMethod = "calendarList.list" | "calendars.get" | "events.list" | "events.get" | "events.insert" | "events.patch" | "events.delete" | "events.move";

export const GOOGLE_SCOPES = {
  calendarList: `${AUTH}calendar.calendarlist.readonly`,
  calendars: `${AUTH}calendar.calendars.readonly`,
  events: `${AUTH}calendar.events`,
  freeBusy: `${AUTH}calendar.events.freebusy`,
} as const;

const CONSENT_TEXT: Record<string, string> = {
  [GOOGLE_SCOPES.calendarList]: "See the list of Google calendars you’re subscribed to",
  [GOOGLE_SCOPES.calendars]: "See the title, description, default time zone, and other properties of Google calendars you have access to",
  [GOOGLE_SCOPES.events]: "View and edit events on all your calendars",
};

export const METHOD_NEEDS: Record<GoogleMethod, { scope: string; doing: string }> = {
  "calendarList.list": { scope: GOOGLE_SCOPES.calendarList, doing: "list calendars" },
  "calendars.get": { scope: GOOGLE_SCOPES.calendars, doing: "read a calendar's time zone" },
  "events.list": { scope: GOOGLE_SCOPES.events, doing: "read events" },
  "events.get": { scope: GOOGLE_SCOPES.events, doing: "read an event" },
  "events.insert": { scope: GOOGLE_SCOPES.events, doing: "create events" },
  "events.patch": { scope: GOOGLE_SCOPES.events, doing: "change events" },
  "events.delete": { scope: GOOGLE_SCOPES.events, doing: "delete events" },
  "events.move": { scope: GOOGLE_SCOPES.events, doing: "move events" },
};

/** "Google Calendar did not grant the calendar.calendarlist.readonly scope needed to list calendars; reconnect …". */
export function missingScopeMessage(method: GoogleMethod): string {
  const { scope, doing } = METHOD_NEEDS[method];
  const short = scope.slice(AUTH.length);
  return `Google Calendar did not grant the ${short} scope needed to ${doing}; reconnect Google Calendar and tick “${CONSENT_TEXT[scope]}” on Google's consent screen.`;
}
