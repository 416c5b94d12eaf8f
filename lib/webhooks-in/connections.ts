// The connections a webhook may belong to, with their decrypted fields, for signature checks.
// Provider webhook URLs carry no workspace (Stripe's, Twilio's), so a delivery is matched by
// trying the secrets of the candidate connections. Providers get them through a CandidateLookup
// (they never hold a database handle). Kept out of logs and answers like any secret.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CandidateConnection, CandidateLookup } from "@/lib/integrations/kit/ports/inbound";
import { settingFields, settingsObject } from "@/lib/connections/settings";
import { logger } from "@/lib/log";
import { unseal } from "@/lib/vault";
import { readUrlSecret } from "@/lib/webhooks-in/url-secrets";

/** A connection with its non-secret settings fields and decrypted secrets together (`fields`), and its other settings. */
export type ConnectionSecrets = CandidateConnection;

/** Live (not disconnected) connections of a provider, optionally narrowed, with their fields. */
export async function connectionsWithSecrets(db: Db, providerId: string, where: Prisma.ConnectionWhereInput = {}): Promise<ConnectionSecrets[]> {
  const rows = await db.connection.findMany({
    where: { ...where, providerId, status: { not: "disconnected" }, credential: { isNot: null } },
    select: { id: true, workspaceId: true, settings: true, credential: { select: { ciphertext: true, keyId: true } } },
    orderBy: { createdAt: "asc" },
  });
  const out: ConnectionSecrets[] = [];
  for (const row of rows) {
    try {
      const secrets = unseal(row.credential!, { workspaceId: row.workspaceId, connectionId: row.id });
      out.push({ connectionId: row.id, workspaceId: row.workspaceId, fields: { ...settingFields(row.settings), ...secrets }, settings: settingsObject(row.settings) });
    } catch (error) {
      logger.warn("skipping a connection whose credentials cannot be decrypted", { providerId, connectionId: row.id, error });
    }
  }
  return out;
}

const CACHE_MS = 5_000;
const cache = new Map<string, { at: number; value: Promise<ConnectionSecrets[]> }>();

/**
 * The same list, kept for a few seconds so a burst of deliveries does not decrypt every secret per
 * request. Callers that find no match retry with `fresh: true`, so a secret changed a moment ago
 * is still found.
 */
export function cachedConnectionsWithSecrets(db: Db, providerId: string, options: { fresh?: boolean } = {}): { value: Promise<ConnectionSecrets[]>; fromCache: boolean } {
  const hit = cache.get(providerId);
  if (hit && !options.fresh && Date.now() - hit.at < CACHE_MS) return { value: hit.value, fromCache: true };
  const value = connectionsWithSecrets(db, providerId);
  cache.set(providerId, { at: Date.now(), value });
  value.catch(() => cache.delete(providerId));
  return { value, fromCache: false };
}

/** Drops the cached lists (tests that rebuild the database between cases). */
export function forgetCachedConnections(): void {
  cache.clear();
}

/** What a provider's verifier may ask about its own connections (and workspaces) while checking one delivery. */
export function candidateLookup(db: Db, providerId: string): CandidateLookup {
  return {
    byId: async (connectionId) => (await connectionsWithSecrets(db, providerId, { id: connectionId }))[0] ?? null,
    all: async (options) => {
      const cached = cachedConnectionsWithSecrets(db, providerId, options);
      return { candidates: await cached.value, fromCache: cached.fromCache };
    },
    withField: (name, value) => connectionsWithSecrets(db, providerId, { settings: { path: ["fields", name], equals: value } }),
    workspaceExists: async (workspaceId) => (await db.workspace.findUnique({ where: { id: workspaceId }, select: { id: true } })) !== null,
    urlSecret: async (connectionId) => {
      const connection = await db.connection.findFirst({ where: { id: connectionId, providerId }, select: { id: true, workspaceId: true } });
      return connection ? readUrlSecret(db, { connectionId: connection.id, workspaceId: connection.workspaceId }) : null;
    },
  };
}
