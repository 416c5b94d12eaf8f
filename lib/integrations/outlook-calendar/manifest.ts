import type { OAuthManifest } from "@/lib/integrations/kit/manifest";

// Microsoft identity platform (v2.0 endpoints). {tenant} in the URLs is MICROSOFT_TENANT (default
// "common": work and personal accounts). It has no RFC 7009 revocation endpoint, so there is no
// revokeUrl: disconnecting forgets the tokens and the user can remove the app under My Apps /
// account.live.com.
export const outlookCalendarManifest: OAuthManifest = {
  id: "outlook-calendar",
  name: "Outlook Calendar",
  category: "calendar",
  description: "Sync bookings with Outlook and Microsoft 365 calendars through Microsoft Graph.",
  capabilities: ["oauth", "sync"],
  authType: "oauth2",
  docsUrl: "https://learn.microsoft.com/graph/outlook-calendar-concept-overview",
  icon: "/providers/outlook-calendar.svg",
  status: "available",
  slots: {
    calendar: () => import("@/lib/integrations/outlook-calendar/calendar").then((m) => m.calendar),
  },
  rateLimits: {
    perConnection: { limit: 10_000, windowSeconds: 600 },
    source: "Microsoft Graph Outlook service limits: 10,000 requests per 10 minutes per app per mailbox",
  },
  oauth: {
    authorizeUrl: {
      env: "MICROSOFT_OAUTH_AUTHORIZE_URL",
      default: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
      description: "Microsoft identity platform authorize endpoint ({tenant}: MICROSOFT_TENANT)",
    },
    tokenUrl: {
      env: "MICROSOFT_OAUTH_TOKEN_URL",
      default: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
      description: "Microsoft identity platform token endpoint ({tenant}: MICROSOFT_TENANT)",
    },
    userinfoUrl: { env: "MICROSOFT_OAUTH_USERINFO_URL", default: "https://graph.microsoft.com/oidc/userinfo", description: "Microsoft OpenID Connect userinfo" },
    // MailboxSettings.Read: the mailbox's time zone (GET /me/mailboxSettings), which every calendar shares.
    scopes: ["openid", "profile", "offline_access", "User.Read", "Calendars.ReadWrite", "MailboxSettings.Read"],
    requiredScopes: ["User.Read", "Calendars.ReadWrite", "MailboxSettings.Read"],
    pkce: true,
    clientIdEnv: "MICROSOFT_CLIENT_ID",
    clientSecretEnv: "MICROSOFT_CLIENT_SECRET",
    provider: () => import("@/lib/integrations/outlook-calendar/oauth").then((m) => m.microsoftOAuth),
  },
  api: {
    graph: { env: "MICROSOFT_GRAPH_API_BASE", default: "https://graph.microsoft.com/v1.0", description: "Microsoft Graph base URL" },
  },
};
