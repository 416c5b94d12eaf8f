import type { OAuthManifest } from "@/lib/integrations/kit/manifest";

export const linkedinManifest: OAuthManifest = {
  id: "linkedin",
  name: "LinkedIn",
  category: "social",
  description: "Connect a LinkedIn member account: sign-in, live test and revocation on disconnect. Posting is not built yet.",
  capabilities: ["oauth"],
  authType: "oauth2",
  docsUrl: "https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow",
  icon: "/providers/linkedin.svg",
  status: "available",
  rateLimits: {
    perConnection: { limit: 500, windowSeconds: 86_400 },
    operations: { "posts.create": { limit: 150, windowSeconds: 86_400 } },
    source:
      "LinkedIn sets daily limits per endpoint and member (listed in the developer portal): Share on LinkedIn 150 posts per member per day; 500 calls per day for the rest is a conservative default",
  },
  oauth: {
    authorizeUrl: { env: "LINKEDIN_OAUTH_AUTHORIZE_URL", default: "https://www.linkedin.com/oauth/v2/authorization", description: "LinkedIn OAuth authorize endpoint" },
    tokenUrl: { env: "LINKEDIN_OAUTH_TOKEN_URL", default: "https://www.linkedin.com/oauth/v2/accessToken", description: "LinkedIn OAuth token endpoint" },
    revokeUrl: { env: "LINKEDIN_OAUTH_REVOKE_URL", default: "https://www.linkedin.com/oauth/v2/revoke", description: "LinkedIn OAuth token revocation" },
    userinfoUrl: { env: "LINKEDIN_OAUTH_USERINFO_URL", default: "https://api.linkedin.com/v2/userinfo", description: "LinkedIn OpenID Connect userinfo" },
    // OpenID Connect sign-in plus posting as the member; LINKEDIN_ORGANIZATION_SCOPES adds the page scopes.
    scopes: ["openid", "profile", "email", "w_member_social"],
    pkce: false,
    clientIdEnv: "LINKEDIN_CLIENT_ID",
    clientSecretEnv: "LINKEDIN_CLIENT_SECRET",
    provider: () => import("@/lib/integrations/linkedin/oauth").then((m) => m.linkedinOAuth),
  },
  api: {
    base: { env: "LINKEDIN_API_BASE", default: "https://api.linkedin.com", description: "LinkedIn API base URL" },
  },
};
