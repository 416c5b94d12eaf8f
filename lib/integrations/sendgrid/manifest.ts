import { z } from "zod";
import { senderEmailSchema, senderNameSchema } from "@/lib/integrations/kit/sender";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

export const sendgridSchema = z.object({
  apiKey: z
    .string({ error: "Enter your SendGrid API key" })
    .trim()
    .min(1, "Enter your SendGrid API key")
    .refine((v) => /^SG\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(v), "A SendGrid API key looks like SG.xxxx.yyyy"),
  fromEmail: senderEmailSchema,
  fromName: senderNameSchema,
});

export const sendgridManifest: ApiKeyManifest = {
  id: "sendgrid",
  name: "SendGrid",
  category: "email",
  description: "Send Plugboard's email through Twilio SendGrid: booking confirmations, webinar registrations and reminders, health alerts.",
  capabilities: ["api_key"],
  authType: "api_key",
  docsUrl: "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
  icon: "/providers/sendgrid.svg",
  status: "available",
  slots: {
    email: () => import("@/lib/integrations/sendgrid/email").then((m) => m.email),
  },
  rateLimits: {
    // Mail Send has no published request limit (the plan's volume applies), so only the other
    // endpoints — the connection test reads the key's scopes — are limited.
    perConnection: null,
    operations: { "connection.test": { limit: 600, windowSeconds: 60 } },
    source: "SendGrid Web API v3: 600 requests per minute per user on its account endpoints (X-RateLimit-* headers); Mail Send has no published request limit",
  },
  api: {
    base: { env: "SENDGRID_API_BASE", default: "https://api.sendgrid.com", description: "SendGrid v3 API base URL (https://api.eu.sendgrid.com for EU subusers)" },
  },
  fields: [
    {
      name: "apiKey",
      label: "API key",
      type: "password",
      secret: true,
      required: true,
      placeholder: "SG.…",
      help: "Settings → API Keys → Create API Key. It needs at least the Mail Send permission.",
    },
    {
      name: "fromEmail",
      label: "Sender email",
      type: "email",
      secret: false,
      required: true,
      placeholder: "hello@yourcompany.com",
      help: "A verified sender or an address on an authenticated domain.",
    },
    { name: "fromName", label: "Sender name", type: "text", secret: false, required: false, placeholder: "Your Company" },
  ],
  schema: sendgridSchema,
  adapter: () => import("@/lib/integrations/sendgrid/client").then((m) => m.sendgridAdapter),
  liveTest: "reads the key's permissions, which must include Mail Send, and the account email",
};
