// Testing a connection that had no traffic, so that a broken integration nobody used this hour
// is still noticed. The test is the one the card's Test button runs (testStoredConnection): an
// API-key connection re-runs its adapter's live test with the stored fields, an OAuth grant reads
// the account with its token (refreshed first when it has expired). It goes through the call
// pipeline, so it leaves an activity row and keeps to the provider's rate limits; and since the
// job only probes connections without activity in the health window, that row makes each
// connection tested at most once per window.
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api";
import { testStoredConnection } from "@/lib/connections/api-key";
import { getProvider } from "@/lib/integrations/registry";
import type { ProviderManifest } from "@/lib/integrations/kit/manifest";
import { logger } from "@/lib/log";

export interface ProbeTarget {
  workspaceId: string;
  connectionId: string;
  providerId: string;
}

export type ProbeResult = { tested: false; reason: string } | { tested: true; ok: boolean; message: string };

/** Tests one stored connection live (through the call pipeline, so it leaves an activity row). */
export type ConnectionProbe = (target: ProbeTarget, actor: string) => Promise<ProbeResult>;

/** Something can run a live test: an API-key adapter, or the provider's OAuth module (or both, Mailchimp). */
function testable(manifest: ProviderManifest): boolean {
  if (manifest.status !== "available") return false;
  return manifest.authType === "api_key" ? Boolean(manifest.adapter) : Boolean(manifest.oauth.provider || manifest.apiKey?.adapter);
}

/** Whether the job can test this provider at all (so the dashboard can say "not testable"). */
export function canProbe(providerId: string): boolean {
  const manifest = getProvider(providerId);
  return Boolean(manifest && testable(manifest));
}

export const probeConnection: ConnectionProbe = async (target, actor) => {
  const manifest = getProvider(target.providerId);
  if (!manifest || !testable(manifest)) return { tested: false, reason: `${manifest?.name ?? target.providerId} cannot be tested automatically yet` };
  const db = await getDb();
  const row = await db.connection.findFirst({
    where: { id: target.connectionId, workspaceId: target.workspaceId },
    select: { authType: true, needsReauth: true, credential: { select: { id: true } } },
  });
  // Without stored credentials nothing can be sent (the API-key test refuses the same way).
  if (!row?.credential) return { tested: false, reason: `${manifest.name} has no stored credentials in this workspace` };
  // A grant the provider refused gives no token to test with, and only the admin's Reconnect mends
  // it: testing it again would only rewrite the same error every run.
  if (row.authType === "oauth2" && row.needsReauth) return { tested: false, reason: `${manifest.name} needs reconnecting` };
  try {
    const result = await testStoredConnection({ workspaceId: target.workspaceId, actor }, { connectionId: target.connectionId });
    return { tested: true, ok: result.ok, message: result.message };
  } catch (error) {
    // Not connected (any more), or credentials that cannot be decrypted: nothing was sent, nothing to record.
    if (error instanceof ApiError) return { tested: false, reason: error.message };
    logger.error("health check: connection test failed unexpectedly", { providerId: target.providerId, error });
    return { tested: false, reason: "The test could not run" };
  }
};
