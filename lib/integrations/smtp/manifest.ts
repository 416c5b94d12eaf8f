import { z } from "zod";
import { senderEmailSchema, senderNameSchema } from "@/lib/integrations/kit/sender";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

export const SMTP_SECURITY = ["starttls", "tls", "none"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

// Any mail server that speaks SMTP; the server address is the customer's, so it is a field.
export const smtpSchema = z.object({
  host: z.string({ error: "Enter the SMTP server" }).trim().min(1, "Enter the SMTP server, e.g. smtp.yourcompany.com"),
  port: z
    .string({ error: "Enter the port" })
    .trim()
    .regex(/^\d{1,5}$/, "Enter a port number such as 587 or 465")
    .refine((v) => Number(v) >= 1 && Number(v) <= 65535, "Enter a port between 1 and 65535"),
  security: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || (SMTP_SECURITY as readonly string[]).includes(v), "Choose STARTTLS, TLS or none"),
  username: z.string().trim().optional(),
  password: z.string().optional(),
  fromEmail: senderEmailSchema,
  fromName: senderNameSchema,
});

export const smtpManifest: ApiKeyManifest = {
  id: "smtp",
  name: "SMTP",
  category: "email",
  description: "Send Plugboard's email through your own mail server or any SMTP relay.",
  capabilities: ["api_key"],
  authType: "api_key",
  docsUrl: "https://datatracker.ietf.org/doc/html/rfc5321",
  icon: "/providers/smtp.svg",
  status: "available",
  slots: {
    email: () => import("@/lib/integrations/smtp/email").then((m) => m.email),
  },
  rateLimits: {
    perConnection: null,
    source: "SMTP has no protocol quota; your mail server's own sending limits apply (Exchange Online: 30 messages per minute per mailbox) — set one with RATE_LIMITS",
  },
  api: {},
  fields: [
    { name: "host", label: "Server", type: "text", address: "host", secret: false, required: true, placeholder: "smtp.yourcompany.com" },
    { name: "port", label: "Port", type: "number", secret: false, required: true, placeholder: "587", help: "587 for STARTTLS, 465 for implicit TLS." },
    {
      name: "security",
      label: "Encryption",
      type: "text",
      secret: false,
      required: false,
      placeholder: "By port (465: TLS, otherwise STARTTLS)",
      options: [
        { value: "starttls", label: "STARTTLS (upgrade after connecting; port 587)" },
        { value: "tls", label: "TLS from the start (port 465)" },
        { value: "none", label: "None (local relays only)" },
      ],
    },
    { name: "username", label: "Username", type: "text", secret: false, required: false },
    { name: "password", label: "Password", type: "password", secret: true, required: false },
    { name: "fromEmail", label: "Sender email", type: "email", secret: false, required: true, placeholder: "hello@yourcompany.com" },
    { name: "fromName", label: "Sender name", type: "text", secret: false, required: false, placeholder: "Your Company" },
  ],
  schema: smtpSchema,
  adapter: () => import("@/lib/integrations/smtp/client").then((m) => m.smtpAdapter),
  liveTest: "connects with the chosen encryption and logs in, sending nothing",
};
