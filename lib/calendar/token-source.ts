// The seam between calendars and OAuth: a usable access token for a workspace's calendar
// connection, refreshed first when it has expired (through the OAuth lifecycle's lease, so a
// calendar call never causes a second refresh of the same grant).
import { getDb } from "@/lib/db/client";
import { getProvider } from "@/lib/integrations/registry";
import { providerDefault } from "@/lib/connections/choose";
import { getConnectionAccessToken } from "@/lib/connections/oauth/access";
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

/** Which calendar connection: a named one, or the provider's default when none is named. */
export interface CalendarTarget {
  providerId: string;
  connectionId?: string | null;
}

export async function calendarAccess(workspaceId: string, target: CalendarTarget): Promise<{ connectionId: string; accessToken: string }> {
  const { providerId } = target;
  const name = getProvider(providerId)?.name ?? providerId;
  const db = await getDb();
  const id = target.connectionId ?? (await providerDefault(db, workspaceId, providerId))?.id;
  const row = id ? await db.connection.findFirst({ where: { id, workspaceId, providerId }, select: { id: true, status: true, needsReauth: true } }) : null;
  // "error" after a passing failure still holds working credentials; the pipeline heals it.
  if (!row || row.status === "disconnected" || row.status === "connecting") {
    throw new CalendarNotConnectedError(
      providerId,
      target.connectionId ? `This ${name} connection is not connected in this workspace` : `${name} is not connected in this workspace`,
    );
  }
  if (row.needsReauth) throw new CalendarNotConnectedError(providerId, `${name} needs to be reconnected: it no longer accepts the stored authorisation`);
  try {
    const token = await getConnectionAccessToken(workspaceId, row.id, { actor: "calendar", db });
    return { connectionId: token.connectionId, accessToken: token.accessToken };
  } catch (error) {
    if (error instanceof VaultDecryptError) throw new CalendarNotConnectedError(providerId, `The stored ${name} authorisation cannot be decrypted; reconnect ${name}`);
    // "auth": not connected, waiting for a reconnect, or the grant could not be refreshed.
    if (error instanceof ProviderError && error.category === "auth") throw new CalendarNotConnectedError(providerId, `${name}: ${error.message}`);
    throw error;
  }
}
