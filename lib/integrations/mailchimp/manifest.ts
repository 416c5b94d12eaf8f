import { z } from "zod";
import type { OAuthManifest } from "@/lib/integrations/kit/manifest";

// An API key is 32 hexadecimal characters, a dash, and the data centre it lives in (`us19`).
export const mailchimpApiKeySchema = z.object({
  apiKey: z
    .string({ error: "Enter your Mailchimp API key" })
    .trim()
    .regex(/^[0-9a-f]{32}-[a-z]+\d+$/i, "A Mailchimp API key looks like 0123…cdef-us19 (32 characters, a dash and the data centre)"),
});

// Mailchimp OAuth has no scopes and its tokens do not expire; the metadata endpoint tells which
// data centre (`dc`) the account lives in, which the API base URL needs. An API key works too.
export const mailchimpManifest: OAuthManifest = {
  id: "mailchimp",
  name: "Mailchimp",
  category: "marketing",
  description: "Add contacts to Mailchimp audiences; subscribes, unsubscribes and profile changes come back into Plugboard's contacts.",
  capabilities: ["oauth", "api_key", "webhooks", "sync"],
  authType: "oauth2",
  docsUrl: "https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/",
  icon: "/providers/mailchimp.svg",
  status: "available",
  slots: {
    marketing: () => import("@/lib/integrations/mailchimp/client").then((m) => m.marketing),
    inbound: () => import("@/lib/integrations/mailchimp/inbound").then((m) => m.inbound),
  },
  // Mailchimp signs no webhook: each connection's URL names it and carries its own secret (inbound.ts).
  connectionWebhookPath: (connectionId, secret) => `${encodeURIComponent(connectionId)}?secret=${encodeURIComponent(secret)}`,
  rateLimits: {
    perConnection: null,
    source: "Mailchimp Marketing API: at most 10 simultaneous connections per account and no per-window quota; set one with RATE_LIMITS if needed",
  },
  oauth: {
    authorizeUrl: { env: "MAILCHIMP_OAUTH_AUTHORIZE_URL", default: "https://login.mailchimp.com/oauth2/authorize", description: "Mailchimp OAuth authorize endpoint" },
    tokenUrl: { env: "MAILCHIMP_OAUTH_TOKEN_URL", default: "https://login.mailchimp.com/oauth2/token", description: "Mailchimp OAuth token endpoint" },
    userinfoUrl: { env: "MAILCHIMP_OAUTH_METADATA_URL", default: "https://login.mailchimp.com/oauth2/metadata", description: "Mailchimp OAuth metadata (account and data centre)" },
    scopes: [],
    pkce: false,
    clientIdEnv: "MAILCHIMP_CLIENT_ID",
    clientSecretEnv: "MAILCHIMP_CLIENT_SECRET",
    provider: () => import("@/lib/integrations/mailchimp/oauth").then((m) => m.mailchimpOAuth),
  },
  apiKey: {
    fields: [
      {
        name: "apiKey",
        label: "API key",
        type: "password",
        secret: true,
        required: true,
        placeholder: "0123456789abcdef0123456789abcdef-us19",
        help: "Profile → Extras → API keys → Create A Key. The part after the dash is your data centre.",
      },
    ],
    schema: mailchimpApiKeySchema,
    adapter: () => import("@/lib/integrations/mailchimp/api-key").then((m) => m.mailchimpApiKeyAdapter),
    liveTest: "reads the account name and email",
  },
  api: {
    base: {
      env: "MAILCHIMP_API_BASE",
      default: "https://{dc}.api.mailchimp.com/3.0",
      description: "Mailchimp Marketing API base URL; {dc} is the account's data centre",
    },
  },
};
