// Google's OAuth specifics, through googleapis' OAuth2 client with every endpoint from
// configuration: offline access with the consent prompt (so a refresh token comes back),
// incremental scopes, PKCE S256, the OpenID userinfo for the account's email, and revocation.
// Refreshes, which a refresh run sends by the thousand, go out as plain form posts (kit/oauth-wire).
import type { Auth } from "googleapis";
import type { OAuthClient, OAuthProviderModule, TokenSet } from "@/lib/integrations/kit/oauth";
import { classifyOAuthError, oauthError, postTokenRequest, splitScopes, tokenSetFrom } from "@/lib/integrations/kit/oauth-wire";
import { ProviderError } from "@/lib/integrations/kit/errors";

// Google reports the OpenID scopes by their long names.
const SCOPE_ALIASES: Record<string, string> = {
  "https://www.googleapis.com/auth/userinfo.email": "email",
  "https://www.googleapis.com/auth/userinfo.profile": "profile",
};

// googleapis' OAuth2 client from its Calendar API module, loaded on first use, once: the package's
// index would load all ~300 APIs (a second, and some 60 MB of heap that every garbage collection
// of a long refresh run then walks) for the same class.
let calendarApi: Promise<typeof import("googleapis/build/src/apis/calendar")> | undefined;
const loadCalendarApi = () => (calendarApi ??= import("googleapis/build/src/apis/calendar"));

async function oauth2(client: OAuthClient, signal?: AbortSignal) {
  const { auth } = await loadCalendarApi();
  return new auth.OAuth2({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: client.redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: client.endpoints.authorize,
      oauth2TokenUrl: client.endpoints.token,
      ...(client.endpoints.revoke ? { oauth2RevokeUrl: client.endpoints.revoke } : {}),
    },
    // Retries belong to the pipeline: the SDK's own would multiply them, and resend refresh requests.
    transporterOptions: { retryConfig: { retry: 0 }, ...(signal ? { signal } : {}) },
  });
}

function tokenSet(tokens: { access_token?: string | null; refresh_token?: string | null; expiry_date?: number | null; scope?: string | null }): TokenSet {
  if (!tokens.access_token) throw new ProviderError("Google sent a token answer without an access token", { category: "permanent" });
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    expiresAt: tokens.expiry_date ? new Date(tokens.expiry_date) : null,
    grantedScopes: splitScopes(tokens.scope),
  };
}

export const googleOAuth: OAuthProviderModule = {
  async authorizationUrl(client, { state, codeChallenge }) {
    return (await oauth2(client)).generateAuthUrl({
      access_type: "offline",
      // Always show consent, so Google sends a refresh token even to an account that granted before.
      prompt: "consent",
      include_granted_scopes: true,
      scope: client.scopes,
      state,
      code_challenge: codeChallenge,
      // The library's CodeChallengeMethod.S256; only its type is imported (the value lives in the package index).
      code_challenge_method: "S256" as Auth.CodeChallengeMethod,
    });
  },

  async exchangeCode(client, { code, codeVerifier }, signal) {
    const { tokens } = await (await oauth2(client, signal)).getToken({ code, codeVerifier, redirect_uri: client.redirectUri });
    return tokenSet(tokens);
  },

  async identify(client, tokens, signal) {
    if (!client.endpoints.userinfo) throw new ProviderError("GOOGLE_OAUTH_USERINFO_URL is not set", { category: "permanent" });
    const auth = await oauth2(client, signal);
    auth.setCredentials({ access_token: tokens.accessToken });
    const { data } = await auth.request<{ sub?: string; email?: string; name?: string }>({ url: client.endpoints.userinfo, retry: false, signal });
    if (!data.sub) throw new ProviderError("Google's userinfo answer has no account id", { category: "permanent" });
    return { accountId: data.sub, label: data.email ?? data.name ?? "Google account" };
  },

  async refresh(client, stored, signal) {
    // One RFC 6749 form post, sent as X's and LinkedIn's are: a refresh run sends thousands, and
    // the OAuth2 client's transport (gaxios over node-fetch) costs about three times the CPU per
    // request. The answer is read as it came (the OAuth2 client put the refresh token it sent into
    // its credentials, hiding a new one). Google itself does not rotate (no refresh token in the
    // answer: the stored one stays); a server that does sends a new one, which must be kept or the
    // next refresh fails with invalid_grant.
    const json = await postTokenRequest(
      client.endpoints.token,
      { grant_type: "refresh_token", refresh_token: stored.refreshToken, client_id: client.clientId, client_secret: client.clientSecret },
      { providerName: "Google", signal },
    );
    return tokenSetFrom(json);
  },

  async revoke(client, stored, signal) {
    // Revoking the refresh token ends the whole grant (and its access tokens).
    await (await oauth2(client, signal)).revokeToken(stored.refreshToken ?? stored.accessToken);
  },

  classifyError(error) {
    const e = error as { response?: { status?: number; data?: unknown; headers?: unknown }; status?: number };
    const status = e?.response?.status ?? e?.status;
    if (typeof status === "number" && status >= 400) {
      const headers = e.response?.headers;
      const retryAfter = headers && typeof (headers as Headers).get === "function" ? (headers as Headers).get("retry-after") : null;
      return oauthError("Google", status, e.response?.data, retryAfter);
    }
    return classifyOAuthError(error);
  },

  normalizeScope: (scope) => SCOPE_ALIASES[scope] ?? scope,
};
