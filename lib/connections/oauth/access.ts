// How provider clients call an OAuth provider: withAccessToken() hands them a current access token
// and runs their call through the pipeline. A token that has expired is refreshed first, and a call
// answered 401 is retried once after a refresh — both through refreshConnection(), so on-demand
// refreshes share the cron's lease and never double up.
import { getDb, type Db } from "@/lib/db/client";
import { providerDefault } from "@/lib/connections/choose";
import { refreshConnection, type RefreshOptions } from "@/lib/connections/oauth/refresh";
import { oauthSettings, readTokens, type OAuthSettings } from "@/lib/connections/oauth/tokens";
import { callProvider, classifyError, ProviderError, type CallContext, type CallOptions, type CallResult } from "@/lib/pipeline";

/** Refresh a little before the expiry, so a token does not expire in flight. */
export const EXPIRY_SKEW_MS = 60_000;

export interface AccessToken {
  connectionId: string;
  accessToken: string;
  /** Which stored token this is; a 401 refresh is conditional on it still being the current one. */
  tokenVersion: number;
  expiresAt: Date | null;
  /** The grant's non-secret facts (Mailchimp's dc and API endpoint…). */
  settings: OAuthSettings;
}

/**
 * A current access token for a workspace's OAuth connection to the provider, refreshed on demand
 * when it has expired. Throws a ProviderError ("auth") when the connection is missing, needs the
 * admin to reconnect, or cannot be refreshed. Never log or return the token.
 */
export async function getAccessToken(workspaceId: string, providerId: string, options: RefreshOptions = {}): Promise<AccessToken> {
  return accessTokenOf(workspaceId, { providerId }, options);
}

/** The same for one connection addressed by id (within the workspace). */
export async function getConnectionAccessToken(workspaceId: string, connectionId: string, options: RefreshOptions = {}): Promise<AccessToken> {
  return accessTokenOf(workspaceId, { connectionId }, options);
}

type ConnectionRef = { providerId: string } | { connectionId: string };

async function accessTokenOf(workspaceId: string, ref: ConnectionRef, options: RefreshOptions): Promise<AccessToken> {
  const db = options.db ?? (await getDb());
  const now = options.now ?? (() => new Date());
  for (let round = 0; round < 2; round++) {
    const token = await readAccessToken(db, workspaceId, ref);
    if (!token.expiresAt || token.expiresAt.getTime() - EXPIRY_SKEW_MS > now().getTime()) return token;
    if (round > 0) break;
    const outcome = await refreshConnection(token.connectionId, { kind: "expired", seenVersion: token.tokenVersion }, { ...options, db, wait: true });
    if (outcome.result === "failed") throw new ProviderError(outcome.message, { category: outcome.category });
  }
  throw new ProviderError("The access token has expired and could not be refreshed yet; try again shortly", { category: "transient" });
}

async function readAccessToken(db: Db, workspaceId: string, ref: ConnectionRef): Promise<AccessToken> {
  // Named by provider: the provider's default connection (several accounts may be connected).
  const id = "connectionId" in ref ? ref.connectionId : (await providerDefault(db, workspaceId, ref.providerId))?.id;
  const row = await db.connection.findFirst({
    where: { id: id ?? "", workspaceId },
    select: { id: true, status: true, authType: true, needsReauth: true, tokenVersion: true, expiresAt: true, settings: true, lastError: true },
  });
  if (!row || row.status === "disconnected" || row.authType !== "oauth2") {
    throw new ProviderError(`${"connectionId" in ref ? "This connection" : ref.providerId} is not connected through OAuth in this workspace`, { category: "auth" });
  }
  if (row.needsReauth) throw new ProviderError(row.lastError ?? "The provider no longer accepts the stored grant; reconnect", { category: "auth" });
  const tokens = await readTokens(db, { workspaceId, connectionId: row.id });
  if (!tokens) throw new ProviderError("No stored tokens for this connection; reconnect", { category: "auth" });
  return { connectionId: row.id, accessToken: tokens.accessToken, tokenVersion: row.tokenVersion, expiresAt: row.expiresAt, settings: oauthSettings(row.settings) };
}

/**
 * Runs `fn` with a current access token through the pipeline (timeouts, retries, breaker, activity
 * log). When `fn` fails with a 401, the token is refreshed — or another caller's fresh token reused —
 * and `fn` runs once more. Failures come back as a graceful CallResult, like any provider call.
 */
export async function withAccessToken<T>(
  ctx: Omit<CallContext, "connectionId"> & { connectionId?: string | null },
  fn: (token: AccessToken, signal: AbortSignal) => Promise<T>,
  options: CallOptions & { refresh?: RefreshOptions } = {},
): Promise<CallResult<T>> {
  const { refresh: refreshOptions, ...callOptions } = options;
  const classify = callOptions.classify ?? classifyError;
  const started = performance.now();
  let token: AccessToken;
  try {
    token = await accessTokenOf(ctx.workspaceId, ctx.connectionId ? { connectionId: ctx.connectionId } : { providerId: ctx.providerId }, {
      actor: ctx.actor,
      ...refreshOptions,
      db: callOptions.db,
    });
  } catch (error) {
    const problem = classify(error);
    return { ok: false, category: problem.category, message: problem.message, gracefulFail: true, durationMs: Math.round(performance.now() - started), attempts: 0 };
  }
  return callProvider(
    { ...ctx, connectionId: token.connectionId },
    async (signal) => {
      try {
        return await fn(token, signal);
      } catch (error) {
        if (classify(error).statusCode !== 401) throw error;
        const outcome = await refreshConnection(
          token.connectionId,
          { kind: "unauthorized", seenVersion: token.tokenVersion },
          { actor: ctx.actor, ...refreshOptions, db: callOptions.db, wait: true },
        );
        if (outcome.result !== "refreshed" && outcome.result !== "reused") throw error;
        token = await accessTokenOf(ctx.workspaceId, ctx.connectionId ? { connectionId: ctx.connectionId } : { providerId: ctx.providerId }, {
          actor: ctx.actor,
          ...refreshOptions,
          db: callOptions.db,
        });
        return fn(token, signal);
      }
    },
    callOptions,
  );
}
