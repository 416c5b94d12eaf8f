// A connection's OAuth tokens in the vault (one sealed Credential row, like API keys), and the
// non-secret facts about the grant kept in Connection.settings.oauth (account id, Mailchimp's dc…).
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AccountIdentity, StoredTokens, TokenSet } from "@/lib/integrations/kit/oauth";
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
