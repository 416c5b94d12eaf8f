import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

export const twilioSchema = z.object({
  accountSid: z
    .string({ error: "Enter your Account SID" })
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, "An Account SID is AC followed by 32 hexadecimal characters"),
  authToken: z.string({ error: "Enter your Auth Token" }).trim().min(1, "Enter your Auth Token"),
  fromNumber: z
    .string({ error: "Enter the sending number" })
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, "Enter the sending number in E.164 format, e.g. +14155550100"),
});

export const twilioManifest: ApiKeyManifest = {
  id: "twilio",
  name: "Twilio",
  category: "sms",
  description: "Send SMS through Twilio; Plugboard receives delivery status and incoming replies.",
  capabilities: ["api_key", "webhooks"],
  authType: "api_key",
  docsUrl: "https://www.twilio.com/docs/iam/api/account",
  icon: "/providers/twilio.svg",
  status: "available",
  slots: {
    sms: () => import("@/lib/integrations/twilio/sms").then((m) => m.sms),
    inbound: () => import("@/lib/integrations/twilio/inbound").then((m) => m.inbound),
  },
  rateLimits: {
    perConnection: null,
    source: "Twilio REST API: 100 concurrent requests per account and no per-window quota; messages beyond a sender's rate are queued by Twilio",
  },
  api: {
    base: { env: "TWILIO_API_BASE", default: "https://api.twilio.com", description: "Twilio REST API base URL" },
  },
  fields: [
    { name: "accountSid", label: "Account SID", type: "text", secret: false, required: true, placeholder: "AC…" },
    { name: "authToken", label: "Auth Token", type: "password", secret: true, required: true, help: "Console → Account Info." },
    { name: "fromNumber", label: "Sending number", type: "text", secret: false, required: true, placeholder: "+14155550100" },
  ],
  schema: twilioSchema,
  adapter: () => import("@/lib/integrations/twilio/client").then((m) => m.twilioAdapter),
  liveTest: "reads the account, which must be active",
};
