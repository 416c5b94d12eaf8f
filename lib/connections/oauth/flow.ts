// Connecting through OAuth: /oauth/start sends the admin to the provider's consent page, and
// /oauth/callback finishes — state checked, code exchanged (PKCE), scopes checked, the account
// identified, tokens sealed, the connection marked connected, audited and announced — in one
// engine for every provider; lib/integrations/<id>/oauth.ts holds each provider's specifics.
import { recordAudit } from "@/lib/audit";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { emitEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/api";
import { FRESHLY_CONNECTED } from "@/lib/connections/api-key";
import { STATUS_SELECT, statusFromRow, type IntegrationStatus } from "@/lib/connections/status";
import { claimState, createState } from "@/lib/connections/oauth/state";
import { requireOAuthProvider, resolveOAuth, type ResolvedOAuth } from "@/lib/connections/oauth/setup";
import { mergeTokens, oauthSettings, readTokens, withOAuthSettings, writeTokens } from "@/lib/connections/oauth/tokens";
import type { AccountIdentity, TokenSet } from "@/lib/integrations/kit/oauth";
import { callProvider, type CallResult } from "@/lib/pipeline";

/** The browser-binding cookie of one provider's flow: sent back only to that provider's callback. */
export function bindingCookie(providerId: string): { name: string; path: string } {
  return { name: `plugboard_oauth_${providerId.replace(/[^a-z0-9]/gi, "_")}`, path: `/api/integrations/${encodeURIComponent(providerId)}/oauth` };
}

function requireAdmin(user: SessionUser): void {
  if (user.role !== "admin") throw new ApiError(403, "Your account is a viewer: ask an admin to connect integrations");
}

/** Creates the state and PKCE verifier and answers where to send the browser, plus the binding cookie's value. */
export async function startOAuth(user: SessionUser, providerId: string): Promise<{ location: string; binding: string }> {
  requireAdmin(user);
  const { manifest, module, client } = await resolveOAuth(requireOAuthProvider(providerId));
  const db = await getDb();
  const created = await createState(db, { user, providerId: manifest.id, redirectUri: client.redirectUri, scopes: client.scopes });
  const location = await module.authorizationUrl(client, { state: created.state, codeChallenge: created.codeChallenge });
  return { location, binding: created.binding };
}

/** What the callback tells the admin back on the dashboard. Never contains a token. */
export type CallbackOutcome =
  | { ok: true; providerId: string; message: string; status: IntegrationStatus }
  | { ok: false; providerId: string; message: string; reason: "denied" | "provider_error" | "exchange_failed" | "missing_scopes" | "identity_failed" };

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

/**
 * Finishes a flow. A bad state throws OAuthStateError (nothing is stored, the route shows a page
 * saying why). Anything the provider refused comes back as `{ ok: false }` and leaves an existing
 * connection as it was.
 */
export async function completeOAuth(user: SessionUser, providerId: string, query: CallbackQuery, binding: string | undefined): Promise<CallbackOutcome> {
  requireAdmin(user);
  const manifest = requireOAuthProvider(providerId);
  const db = await getDb();
  // The state first, also when the provider reports an error: a forged callback must not be able
  // to put a message on the admin's dashboard.
  const claimed = await claimState(db, { providerId: manifest.id, state: query.state, binding, user });
  const name = manifest.name;
  if (query.error) {
    const denied = query.error === "access_denied";
    // The provider's own words (RFC 6749 §4.1.2.1), as plain text of bounded length.
    const said = [query.error, query.error_description]
      .filter(Boolean)
      .map((part) => printable(part!).slice(0, 200))
      .join(": ");
    return {
      ok: false,
      providerId,
      reason: denied ? "denied" : "provider_error",
      message: denied ? `${name} was not connected: the consent was declined at ${name}.` : `${name} was not connected: ${name} answered ${said}. Try again.`,
    };
  }
  if (!query.code) return { ok: false, providerId, reason: "provider_error", message: `${name} sent the browser back without an authorization code. Try again.` };

  const resolved = await resolveOAuth(manifest);
  const { module, client } = resolved;
  const ctx = { workspaceId: user.workspaceId, providerId, actor: actorOf(user) };
  // Codes are single use: one attempt. No connectionId: a failed re-connect must not flag the
  // working connection for re-authorisation.
  const code = query.code;
  const exchanged = await callProvider(
    { ...ctx, connectionId: null, operation: "oauth.exchange" },
    (signal) => module.exchangeCode({ ...client, redirectUri: claimed.redirectUri }, { code, codeVerifier: claimed.codeVerifier }, signal),
    { maxAttempts: 1, classify: (e) => module.classifyError(e) },
  );
  if (!exchanged.ok)
    return failure(providerId, "exchange_failed", `${name} was not connected: the authorization code could not be exchanged (${trimmed(exchanged.message)}). Try again.`);
  const tokens = exchanged.value;

  const missing = missingScopes(resolved, tokens);
  if (missing.length) {
    await revokeQuietly(resolved, tokens);
    return failure(
      providerId,
      "missing_scopes",
      `${name} was not connected: these permissions were not granted: ${missing.join(", ")}. Connect again and allow all requested permissions.`,
    );
  }

  let identity = tokens.identity;
  if (!identity) {
    const identified: CallResult<AccountIdentity> = await callProvider(
      { ...ctx, connectionId: null, operation: "oauth.identify" },
      (signal) => module.identify(client, tokens, signal),
      { classify: (e) => module.classifyError(e) },
    );
    if (!identified.ok) return failure(providerId, "identity_failed", `${name} was not connected: could not read the account (${trimmed(identified.message)}). Try again.`);
    identity = identified.value;
  }

  const status = await saveConnection(user, resolved, tokens, identity);
  return { ok: true, providerId, status, message: `${name} connected as ${identity.label}.` };
}

/** Text without control characters (a query parameter can carry anything). */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();

const trimmed = (message: string) => message.replace(/[.\s]+$/, "").slice(0, 300);
const failure = (providerId: string, reason: Exclude<CallbackOutcome, { ok: true }>["reason"], message: string): CallbackOutcome => ({ ok: false, providerId, reason, message });

/** Required scopes (manifest names) the grant lacks; none when the provider does not report scopes. */
function missingScopes({ manifest, module }: ResolvedOAuth, tokens: TokenSet): string[] {
  if (!tokens.grantedScopes) return [];
  const normalize = (scope: string) => (module.normalizeScope ? module.normalizeScope(scope) : scope).toLowerCase();
  const granted = new Set(tokens.grantedScopes.map(normalize));
  return (manifest.oauth.requiredScopes ?? manifest.oauth.scopes).filter((scope) => !granted.has(normalize(scope)));
}

/** Gives back tokens we will not keep (an incomplete grant); a failure here changes nothing. */
async function revokeQuietly({ module, client }: ResolvedOAuth, tokens: TokenSet): Promise<void> {
  if (!module.revoke) return;
  const revoke = module.revoke.bind(module);
  try {
    await revoke(
      client,
      { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
      AbortSignal.timeout(config().PIPELINE_TIMEOUT_MS),
    );
  } catch {
    // Best effort: the grant stays listed at the provider until the user removes it.
  }
}

async function saveConnection(user: SessionUser, { manifest }: ResolvedOAuth, tokens: TokenSet, identity: AccountIdentity): Promise<IntegrationStatus> {
  const db = await getDb();
  // An account that is already connected is reconnected (its connection updated), another one
  // is added as a connection of its own.
  const existing = await db.connection.findFirst({
    where: { workspaceId: user.workspaceId, providerId: manifest.id, accountId: identity.accountId },
    select: { id: true, authType: true, settings: true, status: true },
  });
  // Google omits the refresh token on re-consent: keep the stored one, but only for the same
  // account (another account's refresh token would silently act for the wrong person).
  const sameAccount = !!existing && existing.authType === "oauth2" && existing.status !== "disconnected" && oauthSettings(existing.settings).accountId === identity.accountId;
  const previous = sameAccount ? await readTokens(db, { workspaceId: user.workspaceId, connectionId: existing.id }).catch(() => null) : null;
  const sealedTokens = mergeTokens(tokens, previous);
  const now = new Date();
  const settings = withOAuthSettings(existing?.settings, identity) as Record<string, unknown>;
  delete settings.fields; // an API-key connection this grant replaces (Mailchimp)
  const connected = {
    ...FRESHLY_CONNECTED,
    authType: "oauth2" as const,
    accountId: identity.accountId,
    accountLabel: identity.label,
    grantedScopes: tokens.grantedScopes ?? manifest.oauth.scopes,
    expiresAt: tokens.expiresAt,
    lastTestedAt: now,
    lastRefreshedAt: now,
    refreshable: Boolean(sealedTokens.refreshToken),
    refreshLeaseId: null,
    refreshLeaseUntil: null,
    settings: settings as Prisma.InputJsonValue,
  };
  const row = await db.$transaction(async (tx) => {
    const saved = existing
      ? await tx.connection.update({ where: { id: existing.id }, data: { ...connected, tokenVersion: { increment: 1 } }, select: { ...STATUS_SELECT, id: true } })
      : await tx.connection.create({ data: { workspaceId: user.workspaceId, providerId: manifest.id, ...connected }, select: { ...STATUS_SELECT, id: true } });
    await writeTokens(tx, { workspaceId: user.workspaceId, connectionId: saved.id }, sealedTokens);
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actor: actorOf(user),
      action: "integration.connect",
      target: manifest.id,
      details: {
        providerId: manifest.id,
        method: "oauth",
        accountLabel: identity.label,
        scopes: connected.grantedScopes,
        keptStoredRefresh: !tokens.refreshToken && !!previous?.refreshToken,
      },
    });
    await emitEvent(tx, { workspaceId: user.workspaceId, type: "connection.connected", data: { providerId: manifest.id, connectionId: saved.id, accountLabel: identity.label } });
    return saved;
  });
  return statusFromRow(manifest.id, row);
}
