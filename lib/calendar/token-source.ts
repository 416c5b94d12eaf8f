// The seam between calendars and OAuth: a usable access token for a workspace's calendar
// connection, refreshed first when it has expired (through the OAuth lifecycle's lease, so a
// calendar call never causes a second refresh of the same grant).
import { getDb } from "@/lib/db/client";
import { getProvider } from "@/lib/integrations/registry";
import { getAccessToken } from "@/lib/connections/oauth/access";
import { ProviderError } from "@/lib/pipeline";
import { VaultDecryptError } from "@/lib/vault";

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

export async function calendarAccess(workspaceId: string, providerId: string): Promise<{ connectionId: string; accessToken: string }> {
  const name = getProvider(providerId)?.name ?? providerId;
  const db = await getDb();
  const row = await db.connection.findUnique({ where: { workspaceId_providerId: { workspaceId, providerId } }, select: { status: true, needsReauth: true } });
  // "error" after a passing failure still holds working credentials; the pipeline heals it.
  if (!row || row.status === "disconnected" || row.status === "connecting") throw new CalendarNotConnectedError(providerId, `${name} is not connected in this workspace`);
  if (row.needsReauth) throw new CalendarNotConnectedError(providerId, `${name} needs to be reconnected: it no longer accepts the stored authorisation`);
  try {
    const token = await getAccessToken(workspaceId, providerId, { actor: "calendar", db });
    return { connectionId: token.connectionId, accessToken: token.accessToken };
  } catch (error) {
    if (error instanceof VaultDecryptError) throw new CalendarNotConnectedError(providerId, `The stored ${name} authorisation cannot be decrypted; reconnect ${name}`);
    // "auth": not connected, waiting for a reconnect, or the grant could not be refreshed.
    if (error instanceof ProviderError && error.category === "auth") throw new CalendarNotConnectedError(providerId, `${name}: ${error.message}`);
    throw error;
  }
}
