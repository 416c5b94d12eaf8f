// Mailchimp's OAuth specifics (its SDK covers the Marketing API, not OAuth): the authorization code
// flow with client credentials in the body, then the metadata call that names the account's data
// centre (`dc`), which every API URL needs. Mailchimp tokens do not expire and cannot be revoked
// through the API, so there is no refresh and no revoke.
import type { OAuthProviderModule } from "@/lib/integrations/kit/oauth";
import { classifyOAuthError, getJson, postTokenRequest, tokenSetFrom } from "@/lib/integrations/kit/oauth-wire";
import { ProviderError } from "@/lib/integrations/kit/errors";

export const mailchimpOAuth: OAuthProviderModule = {
  authorizationUrl(client, { state }) {
    const url = new URL(client.endpoints.authorize);
    url.search = new URLSearchParams({ response_type: "code", client_id: client.clientId, redirect_uri: client.redirectUri, state }).toString();
    return url.toString();
  },

  async exchangeCode(client, { code }, signal) {
    const json = await postTokenRequest(
      client.endpoints.token,
      { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, client_id: client.clientId, client_secret: client.clientSecret },
      { providerName: "Mailchimp", signal },
    );
    // expires_in is 0: tokenSetFrom() records no expiry.
    return tokenSetFrom(json);
  },

  async identify(client, tokens, signal) {
    const meta = await getJson(client.endpoints.userinfo!, { providerName: "Mailchimp", signal, authorization: `OAuth ${tokens.accessToken}` });
    const dc = typeof meta.dc === "string" ? meta.dc : "";
    if (!/^[a-z]+\d+$/.test(dc)) throw new ProviderError("Mailchimp's metadata answer has no data centre", { category: "permanent" });
    const login = (meta.login ?? {}) as { email?: string; login_email?: string; login_name?: string };
    const email = login.email ?? login.login_email;
    const name = typeof meta.accountname === "string" ? meta.accountname : login.login_name;
    return {
      accountId: String(meta.user_id ?? login.login_name ?? dc),
      label: [name, email].filter(Boolean).join(" · ") || `Mailchimp (${dc})`,
      settings: { dc, ...(typeof meta.api_endpoint === "string" ? { apiEndpoint: meta.api_endpoint } : {}) },
    };
  },

  classifyError: (error) => classifyOAuthError(error),
};
