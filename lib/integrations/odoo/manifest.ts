import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

/** What a lead export tags the Odoo lead with when the connection does not say otherwise. */
export const ODOO_LEAD_DEFAULTS = { leadSource: "Website", leadMedium: "Whitepaper Download", leadTag: "Magnetiq Lead" } as const;
export const ODOO_DEFAULT_TIMEOUT_SECONDS = 30;

const optionalName = (what: string) =>
  z
    .string()
    .trim()
    .max(100, `Keep the ${what} under 100 characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

// Odoo's external API is XML-RPC on the customer's own instance, so the base URL is a field,
// not an environment setting.
export const odooSchema = z.object({
  url: z
    .string({ error: "Enter your Odoo address" })
    .trim()
    .pipe(z.url({ protocol: /^https?$/, error: "Enter the address of your Odoo, e.g. https://yourcompany.odoo.com" })),
  database: z.string({ error: "Enter the database name" }).trim().min(1, "Enter the database name"),
  username: z.string({ error: "Enter the login" }).trim().min(1, "Enter the login (usually an email address)"),
  apiKey: z.string({ error: "Enter an API key" }).trim().min(1, "Enter an API key"),
  timeout: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || (/^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 300), "Enter a timeout between 1 and 300 seconds"),
  leadSource: optionalName("source"),
  leadMedium: optionalName("medium"),
  leadTag: optionalName("tag"),
});

export const odooManifest: ApiKeyManifest = {
  id: "odoo",
  name: "Odoo",
  category: "crm",
  description: "Website leads into your Odoo CRM, webinars into Odoo Events, webinar products back into Plugboard.",
  capabilities: ["api_key", "sync"],
  authType: "api_key",
  docsUrl: "https://www.odoo.com/documentation/latest/developer/reference/external_api.html",
  icon: "/providers/odoo.svg",
  status: "available",
  slots: {
    crm: () => import("@/lib/integrations/odoo/crm").then((m) => m.crm),
  },
  rateLimits: {
    perConnection: null,
    source: "Odoo documents no quota for its external API (odoo.com or self-hosted); set one with RATE_LIMITS if your instance needs it",
  },
  api: {},
  fields: [
    { name: "url", label: "Odoo address", type: "url", address: "url", secret: false, required: true, placeholder: "https://yourcompany.odoo.com" },
    { name: "database", label: "Database", type: "text", secret: false, required: true, placeholder: "yourcompany" },
    { name: "username", label: "Login", type: "email", secret: false, required: true, placeholder: "admin@yourcompany.com" },
    { name: "apiKey", label: "API key", type: "password", secret: true, required: true, help: "Preferences → Account Security → New API Key." },
    {
      name: "timeout",
      label: "Timeout (seconds)",
      type: "number",
      secret: false,
      required: false,
      placeholder: String(ODOO_DEFAULT_TIMEOUT_SECONDS),
      help: "How long one call to Odoo may take before it is abandoned and retried.",
    },
    { name: "leadSource", label: "Lead source", type: "text", secret: false, required: false, placeholder: ODOO_LEAD_DEFAULTS.leadSource },
    { name: "leadMedium", label: "Lead medium", type: "text", secret: false, required: false, placeholder: ODOO_LEAD_DEFAULTS.leadMedium },
    {
      name: "leadTag",
      label: "Lead tag",
      type: "text",
      secret: false,
      required: false,
      placeholder: ODOO_LEAD_DEFAULTS.leadTag,
      help: "Exported leads get this source, medium and tag; each is looked up in Odoo by name, or created.",
    },
  ],
  schema: odooSchema,
  adapter: () => import("@/lib/integrations/odoo/client").then((m) => m.odooAdapter),
  liveTest: "reads the server version, logs in and reads the user's name",
};
