// What the OAuth engine (lib/connections/oauth) needs from each provider: building the authorize URL,
// exchanging a code, reading who authorised, refreshing and revoking — in the provider's own SDK
// or wire format. Everything else (state, PKCE, scopes check, storage, lease, events) is the engine's.
import type { ProviderError } from "@/lib/integrations/kit/errors";

/** The deployment's OAuth app for one provider, with every URL resolved from configuration. */
export interface OAuthClient {
  providerId: string;
  providerName: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  endpoints: { authorize: string; token: string; revoke?: string; userinfo?: string };
  /** Scopes to ask for (the manifest's, plus any the configuration adds). */
  scopes: string[];
}

/** Tokens as a provider answered them. */
export interface TokenSet {
  accessToken: string;
  /** Absent when the provider did not send one (Google on re-consent): the stored one is kept. */
  refreshToken?: string;
  /** Null: the token does not expire (Mailchimp). */
  expiresAt: Date | null;
  /** Null: the provider did not say which scopes it granted. */
  grantedScopes: string[] | null;
  /** More secrets to keep sealed with the tokens (MSAL's serialized token cache). */
  secrets?: Record<string, string>;
  /** Set when the token answer already says who authorised (Microsoft's id_token). */
  identity?: AccountIdentity;
}

/** The stored, decrypted tokens of a connection. Never log or return it. */
export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  [secret: string]: string | undefined;
}

export interface AccountIdentity {
  /** The provider's stable id for the account (OIDC `sub`, X user id, Mailchimp user_id…). */
  accountId: string;
  /** Shown on the card: an email address or an account name. Never a secret. */
  label: string;
  /** Non-secret facts the provider's clients need later (Mailchimp's `dc` and API endpoint…). */
  settings?: Record<string, string>;
}

export interface OAuthProviderModule {
  /** Adjusts the configured client: placeholders in URLs (Microsoft's tenant), optional scopes (LinkedIn). */
  configure?(client: OAuthClient): OAuthClient;
  /** The provider's consent page URL, with state and the PKCE S256 challenge (when the manifest uses PKCE). */
  authorizationUrl(client: OAuthClient, request: { state: string; codeChallenge: string }): Promise<string> | string;
  exchangeCode(client: OAuthClient, request: { code: string; codeVerifier: string }, signal: AbortSignal): Promise<TokenSet>;
  /** Who authorised, from the provider's identity endpoint (skipped when the TokenSet carries it). */
  identify(client: OAuthClient, tokens: TokenSet, signal: AbortSignal): Promise<AccountIdentity>;
  /** Absent for providers whose tokens do not expire (Mailchimp). */
  refresh?(client: OAuthClient, stored: StoredTokens, signal: AbortSignal): Promise<TokenSet>;
  /** Absent where the provider cannot revoke (Microsoft, Mailchimp). */
  revoke?(client: OAuthClient, stored: StoredTokens, signal: AbortSignal): Promise<void>;
  /** Maps whatever the SDK or the token endpoint threw onto the pipeline's categories. */
  classifyError(error: unknown): ProviderError;
  /** A granted scope as the provider reports it → the manifest's name for it. */
  normalizeScope?(scope: string): string;
}
