// The seam between calendars and OAuth: a usable access token for a workspace's calendar
// connection. This version reads the stored credential as it is; the OAuth work (issue 3) swaps
// in its refresh-aware lookup here, and nothing else in lib/calendar changes.
import { getDb } from "@/lib/db/client";
import { readCredential, VaultDecryptError } from "@/lib/vault";

export type CalendarProviderKey = "google-calendar" | "outlook-calendar";

/** The calendar cannot be used: not connected, waiting for a reconnect, or without a token. */
export class CalendarNotConnectedError extends Error {
  constructor(
    readonly providerId: string,
    message: string,
  ) {
    super(message);
    this.name = "CalendarNotConnectedError";
  }
}

const NAMES: Record<CalendarProviderKey, string> = { "google-calendar": "Google Calendar", "outlook-calendar": "Outlook Calendar" };

export async function calendarAccess(workspaceId: string, providerId: CalendarProviderKey): Promise<{ connectionId: string; accessToken: string }> {
  const name = NAMES[providerId];
  const db = await getDb();
  const row = await db.connection.findUnique({
    where: { workspaceId_providerId: { workspaceId, providerId } },
    select: { id: true, status: true, needsReauth: true },
  });
  // "error" after a passing failure still holds working credentials; the pipeline heals it.
  if (!row || row.status === "disconnected" || row.status === "connecting") throw new CalendarNotConnectedError(providerId, `${name} is not connected in this workspace`);
  if (row.needsReauth) throw new CalendarNotConnectedError(providerId, `${name} needs to be reconnected: it no longer accepts the stored authorisation`);
  let secrets: Record<string, string> | null;
  try {
    secrets = await readCredential(db, { workspaceId, connectionId: row.id });
  } catch (error) {
    if (error instanceof VaultDecryptError) throw new CalendarNotConnectedError(providerId, `The stored ${name} authorisation cannot be decrypted; reconnect ${name}`);
    throw error;
  }
  const accessToken = secrets?.accessToken;
  if (!accessToken) throw new CalendarNotConnectedError(providerId, `${name} has no stored access token; reconnect ${name}`);
  return { connectionId: row.id, accessToken };
}
