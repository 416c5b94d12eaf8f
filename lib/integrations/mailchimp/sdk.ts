// A Mailchimp Marketing API client for one connection, from the real SDK, pointed at the configured
// API base with the account's data centre filled in.
import ApiClient, { type MailchimpApiClient } from "@mailchimp/mailchimp_marketing/src/ApiClient.js";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { mailchimpManifest } from "@/lib/integrations/mailchimp/manifest";

export type { MailchimpApiClient };

/** MAILCHIMP_API_BASE with `{dc}` replaced by the account's data centre. */
export function mailchimpApiBase(dc: string): string {
  return endpointUrl(mailchimpManifest.api.base!).replace(/\{dc\}/g, encodeURIComponent(dc));
}

/** The data centre an API key belongs to: the part after the dash (`…-us19`). */
export function dataCentreOfKey(apiKey: string): string {
  return apiKey.slice(apiKey.lastIndexOf("-") + 1);
}

export function createMailchimpClient(auth: { dc: string; apiKey: string } | { dc: string; accessToken: string }, timeoutMs: number): MailchimpApiClient {
  const client = new ApiClient();
  client.basePath = mailchimpApiBase(auth.dc);
  client.timeout = timeoutMs;
  client.setConfig("apiKey" in auth ? { apiKey: auth.apiKey } : { accessToken: auth.accessToken });
  return client;
}
