// LinkedIn's OAuth specifics (no LinkedIn SDK in the stack): the authorization code flow with the
// OpenID Connect scopes plus w_member_social (organisation scopes when configured), client
// credentials in the form body, the OIDC userinfo for the member's name and email, refresh only
// for apps LinkedIn approved for programmatic refresh tokens, and token revocation.
import { config } from "@/lib/config";
import type { OAuthClient, OAuthProviderModule } from "@/lib/integrations/kit/oauth";
import { classifyOAuthError, getJson, postForm, postTokenRequest, tokenSetFrom } from "@/lib/integrations/kit/oauth-wire";
import { ProviderError } from "@/lib/integrations/kit/errors";

export const LINKEDIN_ORGANIZATION_SCOPES = ["r_organization_social", "w_organization_social", "rw_organization_admin"];

const credentials = (client: OAuthClient) => ({ client_id: client.clientId, client_secret: client.clientSecret });

export const linkedinOAuth: OAuthProviderModule = {
  configure(client) {
    if (!config().LINKEDIN_ORGANIZATION_SCOPES) return client;
    return { ...client, scopes: [...new Set([...client.scopes, ...LINKEDIN_ORGANIZATION_SCOPES])] };
  },

  authorizationUrl(client, { state }) {
    // LinkedIn takes PKCE from native apps only; a web app proves itself with its client secret.
    const url = new URL(client.endpoints.authorize);
    url.search = new URLSearchParams({ response_type: "code", client_id: client.clientId, redirect_uri: client.redirectUri, state, scope: client.scopes.join(" ") }).toString();
    return url.toString();
  },

  async exchangeCode(client, { code }, signal) {
    const json = await postTokenRequest(
      client.endpoints.token,
      { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, ...credentials(client) },
      { providerName: "LinkedIn", signal },
    );
    return tokenSetFrom(json);
  },

  async identify(client, tokens, signal) {
    const info = await getJson(client.endpoints.userinfo!, { providerName: "LinkedIn", signal, authorization: `Bearer ${tokens.accessToken}` });
    if (typeof info.sub !== "string") throw new ProviderError("LinkedIn's userinfo answer has no member id", { category: "permanent" });
    const label = typeof info.email === "string" ? info.email : typeof info.name === "string" ? info.name : "LinkedIn member";
    return { accountId: info.sub, label };
  },

  async refresh(client, stored, signal) {
    const json = await postTokenRequest(
      client.endpoints.token,
      { grant_type: "refresh_token", refresh_token: stored.refreshToken, ...credentials(client) },
      { providerName: "LinkedIn", signal },
    );
    return tokenSetFrom(json);
  },

  async revoke(client, stored, signal) {
    await postForm(client.endpoints.revoke!, { token: stored.accessToken, ...credentials(client) }, { providerName: "LinkedIn", signal });
  },

  classifyError: (error) => classifyOAuthError(error),
};
