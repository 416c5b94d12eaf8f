// A connection's OAuth tokens in the vault (one sealed Credential row, like API keys), and the
// non-secret facts about the grant kept in Connection.settings.oauth (account id, Mailchimp's dc…).
import crypto from "node:crypto";
import type { Db } from "@/lib/db/client";
import { utcTimestamp } from "@/lib/db/sql";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Lease } from "@/lib/connections/oauth/lease";
import type { AccountIdentity, StoredTokens, TokenSet } from "@/lib/integrations/kit/oauth";
import type { SuccessRecord } from "@/lib/pipeline/call";
import { readCredential, seal, type Secrets } from "@/lib/vault";

/** Tokens read back from the vault, or null when the connection has none. */
export async function readTokens(db: Db, owner: { workspaceId: string; connectionId: string }): Promise<StoredTokens | null> {
  const secrets = await readCredential(db, owner);
  if (!secrets?.accessToken) return null;
  return secrets as StoredTokens;
}

/**
 * What to store after a token answer. A provider that sends no new refresh token (Google on
 * re-consent, most refreshes) leaves the stored one in place; one that rotates it (X, Microsoft)
 * replaces it. Extra secrets (MSAL's cache) replace their previous values.
 */
export function mergeTokens(answer: TokenSet, previous: StoredTokens | null): Secrets {
  const merged: Secrets = { accessToken: answer.accessToken };
  const refreshToken = answer.refreshToken ?? previous?.refreshToken;
  if (refreshToken) merged.refreshToken = refreshToken;
  for (const [name, value] of Object.entries(previous ?? {})) {
    if (name !== "accessToken" && name !== "refreshToken" && value !== undefined && !(name in merged)) merged[name] = value;
  }
  Object.assign(merged, answer.secrets ?? {});
  return merged;
}

/** Upserts the sealed tokens inside a transaction (so they are saved exactly with the row change). */
export async function writeTokens(tx: Prisma.TransactionClient, owner: { workspaceId: string; connectionId: string }, tokens: Secrets): Promise<void> {
  const sealed = seal(tokens, owner);
  await tx.credential.upsert({ where: { connectionId: owner.connectionId }, create: { connectionId: owner.connectionId, ...sealed }, update: sealed });
}

/** A finished refresh, to be stored while its lease is held. */
export interface RefreshedTokens {
  lease: Lease;
  owner: { workspaceId: string; connectionId: string };
  /** Everything to seal (mergeTokens of the answer and the stored tokens). */
  tokens: Secrets;
  expiresAt: Date | null;
  /** Null: the provider did not say, and the stored scopes stay. */
  grantedScopes: string[] | null;
  /** The refresh call's records, when the pipeline left them to be written here (closed circuit). */
  call?: SuccessRecord;
}

/** What the pipeline writes for a successful call on a closed circuit (lib/pipeline/call.ts: successStatements, breakerStatements), as SET items on `c` from `i`; nothing when `i` carries no call. */
const CALL_USAGE = Prisma.sql`
  "callCount" = c."callCount" + CASE WHEN i."calledAt" IS NULL THEN 0 ELSE 1 END,
  "lastCallAt" = COALESCE(i."calledAt", c."lastCallAt"),
  "status" = CASE WHEN i."calledAt" IS NOT NULL AND c."status" = 'error' AND NOT c."needsReauth" AND c."lastErrorCategory" IN ('transient', 'rate_limit') THEN 'connected' ELSE c."status" END,
  "lastError" = CASE WHEN i."calledAt" IS NULL OR c."needsReauth" THEN c."lastError" END,
  "lastErrorCategory" = CASE WHEN i."calledAt" IS NULL OR c."needsReauth" THEN c."lastErrorCategory" END,
  "consecutiveFailures" = CASE WHEN i."calledAt" IS NOT NULL AND c."circuitState" = 'closed' THEN 0 ELSE c."consecutiveFailures" END`;

/**
 * Stores finished refreshes in one statement, so one statement is atomic for all of them: for each
 * connection whose lease is still held (and which was not disconnected meanwhile), the new sealed
 * tokens and the row's token fields (expiry, tokenVersion + 1, lease released) — never one without
 * the other — plus, where the pipeline left them here, each call's activity row and usage counters
 * (also for a connection whose lease was lost: the request was made). Returns the connections saved.
 */
export async function saveRefreshedTokens(db: Db, refreshes: RefreshedTokens[], at: Date = new Date()): Promise<Set<string>> {
  if (!refreshes.length) return new Set();
  // One array per column, unnested in SQL: a parameter per column rather than per value keeps the
  // statement as cheap to prepare for 200 refreshes as for one. Times go as epoch milliseconds.
  const sealed = refreshes.map((r) => seal(r.tokens, r.owner));
  const column = <T>(value: (r: RefreshedTokens, i: number) => T) => refreshes.map(value);
  const timestamp = (ms: Prisma.Sql) => Prisma.sql`to_timestamp(${ms} / 1000.0) AT TIME ZONE 'UTC'`;
  const now = utcTimestamp(at);
  const rows = await db.$queryRaw<{ connectionId: string }[]>`
    WITH u AS (
      SELECT * FROM unnest(${column((r) => r.owner.connectionId)}::text[], ${column((r) => r.lease.id)}::text[], ${column((r) => r.expiresAt?.getTime() ?? null)}::float8[],
        ${column((r) => Boolean(r.tokens.refreshToken))}::boolean[], ${column((r) => (r.grantedScopes ? JSON.stringify(r.grantedScopes) : null))}::text[],
        ${column((_, i) => sealed[i]!.ciphertext)}::text[], ${column((_, i) => sealed[i]!.keyId)}::text[], ${column((_, i) => sealed[i]!.version)}::int[],
        ${column((r) => (r.call ? crypto.randomUUID() : null))}::text[], ${column((r) => r.call?.ctx.workspaceId ?? null)}::text[], ${column((r) => r.call?.ctx.providerId ?? null)}::text[],
        ${column((r) => r.call?.ctx.operation ?? null)}::text[], ${column((r) => r.call?.ctx.actor ?? null)}::text[], ${column((r) => r.call?.at.getTime() ?? null)}::float8[],
        ${column((r) => r.call?.durationMs ?? null)}::int[], ${column((r) => r.call?.attempts ?? null)}::int[])
        AS u ("id", "leaseId", "expiresAt", "refreshable", "grantedScopes", "ciphertext", "keyId", "version", "activityId", "workspaceId", "providerId", "operation", "actor", "calledAt", "durationMs", "attempts")
    ),
    i AS (
      SELECT u."id", u."leaseId", ${timestamp(Prisma.sql`u."expiresAt"`)} AS "expiresAt", u."refreshable",
        CASE WHEN u."grantedScopes" IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text(u."grantedScopes"::jsonb)) END AS "grantedScopes",
        u."ciphertext", u."keyId", u."version", u."activityId", u."workspaceId", u."providerId", u."operation", u."actor",
        ${timestamp(Prisma.sql`u."calledAt"`)} AS "calledAt", u."durationMs", u."attempts"
      FROM u
    ),
    held AS (
      UPDATE "Connection" c SET "expiresAt" = i."expiresAt", "lastRefreshedAt" = ${now}, "tokenVersion" = c."tokenVersion" + 1, "refreshable" = i."refreshable",
        "grantedScopes" = COALESCE(i."grantedScopes", c."grantedScopes"), "refreshLeaseId" = NULL, "refreshLeaseUntil" = NULL, "updatedAt" = ${now}, ${CALL_USAGE}
      FROM i WHERE c."id" = i."id" AND c."refreshLeaseId" = i."leaseId" AND c."status" <> 'disconnected'
      RETURNING c."id"
    ),
    lost AS (
      UPDATE "Connection" c SET "updatedAt" = ${now}, ${CALL_USAGE}
      FROM i WHERE c."id" = i."id" AND i."calledAt" IS NOT NULL AND c."id" NOT IN (SELECT "id" FROM held)
    ),
    activity AS (
      INSERT INTO "IntegrationActivity" ("id", "workspaceId", "connectionId", "providerId", "operation", "outcome", "durationMs", "attempts", "actor", "createdAt")
      SELECT i."activityId", i."workspaceId", i."id", i."providerId", i."operation", 'success'::"CallOutcome", i."durationMs", i."attempts", i."actor", i."calledAt" FROM i WHERE i."calledAt" IS NOT NULL
    )
    UPDATE "Credential" cr SET "ciphertext" = i."ciphertext", "keyId" = i."keyId", "version" = i."version", "updatedAt" = ${now}
    FROM i WHERE cr."connectionId" = i."id" AND i."id" IN (SELECT "id" FROM held)
    RETURNING cr."connectionId"`;
  return new Set(rows.map((row) => row.connectionId));
}

export interface OAuthSettings {
  accountId?: string;
  [fact: string]: string | undefined;
}

function settingsObject(settings: Prisma.JsonValue | undefined): Record<string, unknown> {
  return settings && typeof settings === "object" && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
}

/** The grant's non-secret facts from a connection's settings. */
export function oauthSettings(settings: Prisma.JsonValue | undefined): OAuthSettings {
  const oauth = settingsObject(settings).oauth;
  if (!oauth || typeof oauth !== "object" || Array.isArray(oauth)) return {};
  return Object.fromEntries(Object.entries(oauth).filter(([, v]) => typeof v === "string")) as OAuthSettings;
}

/** Settings with the grant's facts replaced (null removes them), other keys (sync cursors…) kept. */
export function withOAuthSettings(settings: Prisma.JsonValue | undefined, identity: AccountIdentity | null): Prisma.InputJsonValue {
  const base = { ...settingsObject(settings) };
  if (identity) base.oauth = { accountId: identity.accountId, ...identity.settings };
  else delete base.oauth;
  return base as Prisma.InputJsonValue;
}
