// Testing a connection that had no traffic, so that a broken integration nobody used this hour
// is still noticed. Each auth type has its tester; the job only tests what has one.
import { ApiError } from "@/lib/http/api";
import { testStoredConnection } from "@/lib/connections/api-key";
import { getProvider } from "@/lib/integrations/registry";
import type { ProviderAuthType, ProviderManifest } from "@/lib/integrations/kit/manifest";
import { logger } from "@/lib/log";

export interface ProbeTarget {
  workspaceId: string;
  providerId: string;
}

export type ProbeResult = { tested: false; reason: string } | { tested: true; ok: boolean; message: string };

/** Tests one stored connection live (through the call pipeline, so it leaves an activity row). */
export type ConnectionProbe = (target: ProbeTarget, actor: string) => Promise<ProbeResult>;

type Tester = (target: ProbeTarget, actor: string) => Promise<{ ok: boolean; message: string }>;

/**
 * Testers by auth type. API-key providers re-run the stored-credentials test the Test button
 * runs. OAuth providers slot in here once their connect flow can test a stored token (refresh
 * it and read the account, the way their connect step does).
 */
const TESTERS: Record<ProviderAuthType, Tester | undefined> = {
  api_key: (target, actor) => testStoredConnection({ workspaceId: target.workspaceId, actor }, target.providerId),
  oauth2: undefined,
};

function testable(manifest: ProviderManifest): boolean {
  if (manifest.status !== "available") return false;
  return manifest.authType === "api_key" ? Boolean(manifest.adapter) : true;
}

/** Whether the job can test this provider at all (so the dashboard can say "not testable"). */
export function canProbe(providerId: string): boolean {
  const manifest = getProvider(providerId);
  return Boolean(manifest && testable(manifest) && TESTERS[manifest.authType]);
}

export const probeConnection: ConnectionProbe = async (target, actor) => {
  const manifest = getProvider(target.providerId);
  const tester = manifest && testable(manifest) ? TESTERS[manifest.authType] : undefined;
  if (!manifest || !tester) return { tested: false, reason: `${manifest?.name ?? target.providerId} cannot be tested automatically yet` };
  try {
    return { tested: true, ...(await tester(target, actor)) };
  } catch (error) {
    // No stored credentials, or they cannot be decrypted: nothing was sent, nothing to record.
    if (error instanceof ApiError) return { tested: false, reason: error.message };
    logger.error("health check: connection test failed unexpectedly", { providerId: target.providerId, error });
    return { tested: false, reason: "The test could not run" };
  }
};
