// X's OAuth 2.0 specifics (there is no X SDK in the stack): authorization code with PKCE, which X
// requires; a confidential client, so the token and revoke endpoints take HTTP basic auth; and
// rotating refresh tokens — every refresh answer carries a new refresh token and spends the old
// one, so the engine stores the pair in one transaction while it holds the refresh lease.
import type { OAuthProviderModule } from "@/lib/integrations/kit/oauth";
import { classifyOAuthError, getJson, postForm, postTokenRequest, tokenSetFrom } from "@/lib/integrations/kit/oauth-wire";
import { ProviderError } from "@/lib/integrations/kit/errors";

const basicAuth = (client: { clientId: string; clientSecret: string }) => ({ clientId: client.clientId, clientSecret: client.clientSecret });

export const xOAuth: OAuthProviderModule = {
  authorizationUrl(client, { state, codeChallenge }) {
    const url = new URL(client.endpoints.authorize);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: client.scopes.join(" "),
      state,
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
    }).toString();
    return url.toString();
  },

  async exchangeCode(client, { code, codeVerifier }, signal) {
    const json = await postTokenRequest(
      client.endpoints.token,
      { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, code_verifier: codeVerifier, client_id: client.clientId },
      { providerName: "X", signal, basicAuth: basicAuth(client) },
    );
    return tokenSetFrom(json);
  },

  async identify(client, tokens, signal) {
    const json = await getJson(client.endpoints.userinfo!, { providerName: "X", signal, authorization: `Bearer ${tokens.accessToken}` });
    const user = (json.data ?? {}) as { id?: string; username?: string; name?: string };
    if (!user.id) throw new ProviderError("X's users/me answer has no user id", { category: "permanent" });
    return { accountId: user.id, label: user.username ? `@${user.username}` : (user.name ?? "X account") };
  },

  async refresh(client, stored, signal) {
    try {
      const json = await postTokenRequest(
        client.endpoints.token,
        { grant_type: "refresh_token", refresh_token: stored.refreshToken, client_id: client.clientId },
        { providerName: "X", signal, basicAuth: basicAuth(client) },
      );
      return tokenSetFrom(json);
    } catch (error) {
      // X answers a spent or revoked refresh token with 400 invalid_request ("Value passed for the
      // token was invalid"), not invalid_grant: in a refresh, the token is the only request value.
      if (error instanceof ProviderError && error.statusCode === 400 && error.providerCode === "invalid_request") {
        throw new ProviderError(error.message, { category: "auth", statusCode: 400, providerCode: "invalid_request", cause: error });
      }
      throw error;
    }
  },

  async revoke(client, stored, signal) {
    // The access token first, so it stops at once; revoking the refresh token ends the grant.
    for (const [token, hint] of [
      [stored.accessToken, "access_token"],
      [stored.refreshToken, "refresh_token"],
    ] as const) {
      if (token)
        await postForm(client.endpoints.revoke!, { token, token_type_hint: hint, client_id: client.clientId }, { providerName: "X", signal, basicAuth: basicAuth(client) });
    }
  },

  classifyError: (error) => classifyOAuthError(error),
};
