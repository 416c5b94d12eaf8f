import type { OAuthManifest } from "@/lib/integrations/kit/manifest";
import { GOOGLE_SCOPES } from "@/lib/integrations/google-calendar/scopes";

// calendarList.list and calendars.get are outside calendar.events: without their (read-only,
// granular) scopes Google answers 403 to listing calendars and reading a calendar's time zone.
const CALENDAR_SCOPES = [GOOGLE_SCOPES.events, GOOGLE_SCOPES.freeBusy, GOOGLE_SCOPES.calendarList, GOOGLE_SCOPES.calendars];

export const googleCalendarManifest: OAuthManifest = {
  id: "google-calendar",
  name: "Google Calendar",
  category: "calendar",
  description: "Sync bookings with Google Calendar: create, move and cancel events, read free/busy.",
  capabilities: ["oauth", "sync"],
  authType: "oauth2",
  docsUrl: "https://developers.google.com/workspace/calendar/api/guides/overview",
  icon: "/providers/google-calendar.svg",
  status: "available",
  slots: {
    calendar: () => import("@/lib/integrations/google-calendar/calendar").then((m) => m.calendar),
  },
  rateLimits: {
    perConnection: { limit: 600, windowSeconds: 60 },
    source: "Calendar API usage limits: 600 requests per minute per user per project (10,000 per minute per project)",
  },
  oauth: {
    authorizeUrl: { env: "GOOGLE_OAUTH_AUTHORIZE_URL", default: "https://accounts.google.com/o/oauth2/v2/auth", description: "Google OAuth consent screen" },
    tokenUrl: { env: "GOOGLE_OAUTH_TOKEN_URL", default: "https://oauth2.googleapis.com/token", description: "Google OAuth token endpoint" },
    revokeUrl: { env: "GOOGLE_OAUTH_REVOKE_URL", default: "https://oauth2.googleapis.com/revoke", description: "Google OAuth token revocation" },
    userinfoUrl: { env: "GOOGLE_OAUTH_USERINFO_URL", default: "https://openidconnect.googleapis.com/v1/userinfo", description: "Google OpenID Connect userinfo" },
    // Events (create, move, cancel, read), free/busy, the calendar list and each calendar's time
    // zone, plus who the account is.
    scopes: ["openid", "email", ...CALENDAR_SCOPES],
    requiredScopes: ["email", ...CALENDAR_SCOPES],
    pkce: true,
    clientIdEnv: "GOOGLE_CLIENT_ID",
    clientSecretEnv: "GOOGLE_CLIENT_SECRET",
    provider: () => import("@/lib/integrations/google-calendar/oauth").then((m) => m.googleOAuth),
  },
  api: {
    base: { env: "GOOGLE_API_BASE", default: "https://www.googleapis.com", description: "Google APIs root URL (Calendar v3 lives under /calendar/v3)" },
  },
};
