import type { OAuthManifest } from "@/lib/integrations/kit/manifest";

// X API v2, OAuth 2.0 authorization code with PKCE (required by X); offline.access yields a
// refresh token, which X rotates on every refresh.
export const xManifest: OAuthManifest = {
  id: "x",
  name: "X",
  category: "social",
  description: "Connect an X (formerly Twitter) account: sign-in, token refresh, live test and revocation on disconnect. Posting is not built yet.",
  capabilities: ["oauth"],
  authType: "oauth2",
  docsUrl: "https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token",
  icon: "/providers/x.svg",
  status: "available",
  rateLimits: {
    perConnection: { limit: 75, windowSeconds: 900 },
    operations: { "tweets.create": { limit: 100, windowSeconds: 86_400 } },
    source:
      "X API v2 limits are per endpoint and user: GET /2/users/me (the connection test) 75 per 15 minutes, POST /2/tweets 100 per 24 hours; Plugboard keeps every call within the 15-minute figure",
  },
  oauth: {
    authorizeUrl: { env: "X_OAUTH_AUTHORIZE_URL", default: "https://x.com/i/oauth2/authorize", description: "X OAuth 2.0 authorize endpoint" },
    tokenUrl: { env: "X_OAUTH_TOKEN_URL", default: "https://api.x.com/2/oauth2/token", description: "X OAuth 2.0 token endpoint" },
    revokeUrl: { env: "X_OAUTH_REVOKE_URL", default: "https://api.x.com/2/oauth2/revoke", description: "X OAuth 2.0 token revocation" },
    userinfoUrl: { env: "X_OAUTH_USERINFO_URL", default: "https://api.x.com/2/users/me", description: "X authenticated user lookup" },
    scopes: ["tweet.read", "tweet.write", "users.read", "offline.access"],
    pkce: true,
    clientIdEnv: "X_CLIENT_ID",
    clientSecretEnv: "X_CLIENT_SECRET",
    provider: () => import("@/lib/integrations/x/oauth").then((m) => m.xOAuth),
  },
  api: {
    base: { env: "X_API_BASE", default: "https://api.x.com", description: "X API v2 base URL" },
  },
};
