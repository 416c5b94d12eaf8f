// Microsoft's OAuth specifics, through @azure/msal-node's ConfidentialClientApplication. MSAL keeps
// tokens in its own cache; the cache is serialized into the connection's sealed credential after
// every token answer and deserialized before every refresh, so any instance can refresh (serverless
// instances share nothing else). The tenant is configurable (default `common`), and the authority's
// endpoints come from configuration as authority metadata, so MSAL never runs discovery.
import type { AuthenticationResult, Configuration, INetworkModule, NetworkResponse } from "@azure/msal-node";
import { config } from "@/lib/config";
import type { OAuthClient, OAuthProviderModule, TokenSet } from "@/lib/integrations/kit/oauth";
import { classifyOAuthError, getJson, oauthError } from "@/lib/integrations/kit/oauth-wire";
import { ProviderError } from "@/lib/integrations/kit/errors";
import { httpRequest } from "@/lib/integrations/kit/http-client";

// MSAL adds these to every request itself; Graph reports its scopes with or without the resource prefix.
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);
const GRAPH_PREFIX = "https://graph.microsoft.com/";

interface LastAnswer {
  status?: number;
  retryAfter?: string;
}

/** MSAL's network seam, on the kit's keep-alive client: carries the pipeline's abort signal and remembers the last HTTP status. */
function networkClient(signal: AbortSignal | undefined, last: LastAnswer): INetworkModule {
  const send = async <T>(url: string, method: "GET" | "POST", options?: { headers?: Record<string, string>; body?: string }): Promise<NetworkResponse<T>> => {
    const answer = await httpRequest(url, { method, headers: options?.headers, body: method === "POST" ? (options?.body ?? "") : undefined, signal });
    last.status = answer.status;
    last.retryAfter = answer.headers["retry-after"];
    let body: unknown;
    try {
      body = answer.body ? JSON.parse(answer.body) : {};
    } catch {
      body = { error: answer.status >= 200 && answer.status < 300 ? "invalid_response" : "server_error", error_description: `HTTP ${answer.status}` };
    }
    return { headers: answer.headers, body: body as T, status: answer.status };
  };
  return { sendGetRequestAsync: (url, options) => send(url, "GET", options), sendPostRequestAsync: (url, options) => send(url, "POST", options) };
}

let msalNode: Promise<typeof import("@azure/msal-node")> | undefined;

/**
 * A fresh application per call, so its in-memory token cache only ever holds one connection's
 * tokens. Not worth sharing: building one costs about 10 µs, against a millisecond of MSAL's own
 * work per token request (measured over a refresh run; a pool of cleared applications was no faster).
 */
async function msal(client: OAuthClient, signal: AbortSignal | undefined, last: LastAnswer) {
  const { ConfidentialClientApplication, LogLevel } = await (msalNode ??= import("@azure/msal-node"));
  const tenant = config().MICROSOFT_TENANT;
  const token = new URL(client.endpoints.token);
  // MSAL insists on an https authority; with metadata given it never contacts it.
  const host = token.protocol === "https:" ? token.host : "login.microsoftonline.com";
  const settings: Configuration = {
    auth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authority: `https://${host}/${tenant}`,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify({
        issuer: `https://${host}/${tenant}/v2.0`,
        authorization_endpoint: client.endpoints.authorize,
        token_endpoint: client.endpoints.token,
        end_session_endpoint: client.endpoints.authorize.replace(/\/authorize$/, "/logout"),
        jwks_uri: `https://${host}/${tenant}/discovery/v2.0/keys`,
      }),
    },
    system: { networkClient: networkClient(signal, last), loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} } },
  };
  return new ConfidentialClientApplication(settings);
}

function requestScopes(client: OAuthClient): string[] {
  return client.scopes.filter((s) => !OIDC_SCOPES.has(s));
}

/** MSAL's errors carry the OAuth code but not the HTTP status; the network seam saw it. */
function asProviderError(error: unknown, last: LastAnswer): ProviderError {
  const e = error as { errorCode?: string; errorMessage?: string; name?: string };
  if (e && typeof e.errorCode === "string" && (e.name === "ServerError" || e.name === "InteractionRequiredAuthError")) {
    const status = last.status && last.status >= 400 ? last.status : 400;
    return oauthError("Microsoft", status, { error: e.errorCode, error_description: (e.errorMessage ?? "").split(" - Timestamp")[0] }, last.retryAfter);
  }
  if (last.status && last.status >= 400) return oauthError("Microsoft", last.status, {}, last.retryAfter);
  return classifyOAuthError(error);
}

async function withMsal<T>(client: OAuthClient, signal: AbortSignal | undefined, run: (app: Awaited<ReturnType<typeof msal>>) => Promise<T>): Promise<T> {
  const last: LastAnswer = {};
  const app = await msal(client, signal, last);
  try {
    return await run(app);
  } catch (error) {
    throw asProviderError(error, last);
  }
}

/** The answer plus MSAL's serialized cache (which holds the refresh token). */
function tokenSet(result: AuthenticationResult | null, cache: string): TokenSet {
  if (!result?.accessToken) throw new ProviderError("Microsoft sent a token answer without an access token", { category: "permanent" });
  const refreshToken = Object.values((JSON.parse(cache) as { RefreshToken?: Record<string, { secret?: string }> }).RefreshToken ?? {})[0]?.secret;
  const claims = (result.idTokenClaims ?? {}) as { email?: string; preferred_username?: string; name?: string; oid?: string; tid?: string };
  // An id token without a usable name or address (some tenants leave them out, or empty) says
  // nothing to show: leave the identity out, so the flow reads the userinfo endpoint instead.
  const label = firstText(claims.email, claims.preferred_username, result.account?.username, claims.name);
  return {
    accessToken: result.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: result.expiresOn ?? null,
    grantedScopes: result.scopes?.length ? result.scopes : null,
    secrets: { msalCache: cache },
    ...(label
      ? {
          identity: {
            accountId: result.account?.homeAccountId ?? claims.oid ?? label,
            label,
            settings: { ...(result.tenantId ? { tenantId: result.tenantId } : {}) },
          },
        }
      : {}),
  };
}

/** The first value with text in it, trimmed; undefined when none has any. */
function firstText(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === "string" && value.trim()) return value.trim();
  return undefined;
}

export const microsoftOAuth: OAuthProviderModule = {
  configure(client) {
    // The endpoint defaults carry a {tenant} placeholder; the tenant is a setting of its own.
    const tenant = config().MICROSOFT_TENANT;
    const fill = (url: string) => url.replace(/\{tenant\}/g, encodeURIComponent(tenant));
    const { authorize, token, revoke, userinfo } = client.endpoints;
    return {
      ...client,
      endpoints: { authorize: fill(authorize), token: fill(token), ...(revoke ? { revoke: fill(revoke) } : {}), ...(userinfo ? { userinfo: fill(userinfo) } : {}) },
    };
  },

  authorizationUrl: (client, { state, codeChallenge }) =>
    withMsal(client, undefined, (app) =>
      app.getAuthCodeUrl({ scopes: requestScopes(client), redirectUri: client.redirectUri, state, codeChallenge, codeChallengeMethod: "S256", prompt: "select_account" }),
    ),

  exchangeCode: (client, { code, codeVerifier }, signal) =>
    withMsal(client, signal, async (app) => {
      const result = await app.acquireTokenByCode({ code, codeVerifier, scopes: requestScopes(client), redirectUri: client.redirectUri });
      return tokenSet(result, app.getTokenCache().serialize());
    }),

  async identify(client, tokens, signal) {
    // Normally the token answer's id_token already said who it is; this reads the OIDC userinfo.
    if (tokens.identity) return tokens.identity;
    const info = await getJson(client.endpoints.userinfo!, { providerName: "Microsoft", signal, authorization: `Bearer ${tokens.accessToken}` });
    const label = firstText(info.email, info.preferred_username, info.name) ?? "Microsoft account";
    const accountId = firstText(info.sub, info.oid);
    if (!accountId) throw new ProviderError("Microsoft's userinfo answer has no account id (sub)", { category: "permanent" });
    return { accountId, label };
  },

  refresh: (client, stored, signal) =>
    withMsal(client, signal, async (app) => {
      if (!stored.msalCache) {
        // Tokens stored without MSAL's cache: refresh with the refresh token itself.
        const result = await app.acquireTokenByRefreshToken({ refreshToken: stored.refreshToken!, scopes: requestScopes(client), forceCache: true });
        return tokenSet(result, app.getTokenCache().serialize());
      }
      const cache = app.getTokenCache();
      cache.deserialize(stored.msalCache);
      const [account] = await cache.getAllAccounts();
      if (!account) throw new ProviderError("The stored Microsoft token cache has no account; reconnect", { category: "auth", providerCode: "no_account" });
      // forceRefresh: exactly one refresh-token request, whatever the cached access token says.
      const result = await app.acquireTokenSilent({ account, scopes: requestScopes(client), forceRefresh: true });
      return tokenSet(result, cache.serialize());
    }),

  classifyError: (error) => classifyOAuthError(error),

  normalizeScope: (scope) => (scope.toLowerCase().startsWith(GRAPH_PREFIX) ? scope.slice(GRAPH_PREFIX.length) : scope),
};
