// What each Graph call this client makes needs: the delegated permission the manifest asks for
// that allows it (Graph's least-privileged permission for the endpoint, or the manifest's wider
// one where it also writes), and the text Microsoft's consent screen shows for it, so a 403 for a
// permission the grant lacks can say which one to accept when reconnecting.
export type GraphOperation = "calendars.list" | "mailboxSettings.get" | "events.read" | "events.write" | "events.delta";

const CONSENT_TEXT: Record<string, string> = {
  "Calendars.ReadWrite": "Have full access to your calendars",
  "MailboxSettings.Read": "Read your mailbox settings",
};

export const OPERATION_NEEDS: Record<GraphOperation, { permission: string; doing: string }> = {
  "calendars.list": { permission: "Calendars.ReadWrite", doing: "list calendars" },
  "mailboxSettings.get": { permission: "MailboxSettings.Read", doing: "read the mailbox's time zone" },
  "events.read": { permission: "Calendars.ReadWrite", doing: "read events" },
  "events.write": { permission: "Calendars.ReadWrite", doing: "create, change or delete events" },
  "events.delta": { permission: "Calendars.ReadWrite", doing: "sync events" },
};

// Graph's codes for a token without the permission: Exchange's, and the directory's.
export const ACCESS_DENIED_CODES = new Set(["ErrorAccessDenied", "Authorization_RequestDenied", "AccessDenied"]);

export function missingPermissionMessage(operation: GraphOperation): string {
  const { permission, doing } = OPERATION_NEEDS[operation];
  return `Outlook Calendar did not grant the ${permission} permission needed to ${doing}; reconnect Outlook Calendar and accept “${CONSENT_TEXT[permission]}” on Microsoft's consent screen.`;
}
