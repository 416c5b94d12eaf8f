import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/types";

// Odoo's external API is XML-RPC on the customer's own instance, so the base URL is a field,
// not an environment setting.
export const odooSchema = z.object({
  url: z.string({ error: "Enter your Odoo address" }).trim().pipe(z.url({ protocol: /^https?$/, error: "Enter the address of your Odoo, e.g. https://yourcompany.odoo.com" })),
  database: z.string({ error: "Enter the database name" }).trim().min(1, "Enter the database name"),
  username: z.string({ error: "Enter the login" }).trim().min(1, "Enter the login (usually an email address)"),
  apiKey: z.string({ error: "Enter an API key" }).trim().min(1, "Enter an API key"),
});

export const odooManifest: ApiKeyManifest = {
  id: "odoo",
  name: "Odoo",
  category: "crm",
  description: "Keep contacts and leads in step with your Odoo CRM.",
  capabilities: ["api_key", "sync"],
  authType: "api_key",
  docsUrl: "https://www.odoo.com/documentation/latest/developer/reference/external_api.html",
  icon: "/providers/odoo.svg",
  status: "coming_soon",
  rateLimits: {
    perConnection: null,
    source: "Odoo documents no quota for its external API (odoo.com or self-hosted); set one with RATE_LIMITS if your instance needs it",
  },
  api: {},
  fields: [
    { name: "url", label: "Odoo address", type: "url", secret: false, required: true, placeholder: "https://yourcompany.odoo.com" },
    { name: "database", label: "Database", type: "text", secret: false, required: true, placeholder: "yourcompany" },
    { name: "username", label: "Login", type: "email", secret: false, required: true, placeholder: "admin@yourcompany.com" },
    { name: "apiKey", label: "API key", type: "password", secret: true, required: true, help: "Preferences → Account Security → New API Key." },
  ],
  schema: odooSchema,
};
