// Mailchimp Marketing API through the official SDK, one ApiClient per tenant (the package's
// default export is a single shared instance whose setConfig would race between workspaces),
// aimed at MAILCHIMP_API_BASE with the account's data centre in place of {dc}.
//
// Credentials come in either shape Mailchimp has: an API key with its data centre as suffix
// ("…-us21"), or an OAuth access token plus the `dc` the OAuth metadata call reported.
import crypto from "node:crypto";
import ApiClient from "@mailchimp/mailchimp_marketing/src/ApiClient";
import type { Credentials } from "@/lib/integrations/kit/credentials";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import type { Audience, ContactPush, MarketingPort, PushedContact } from "@/lib/integrations/kit/ports/marketing";
import { mailchimpManifest } from "@/lib/integrations/mailchimp/manifest";
import { categoryForStatus, classifyError as classifyGeneric, parseRetryAfter, ProviderError } from "@/lib/integrations/kit/errors";

export interface MailchimpAuth {
  kind: "api_key" | "oauth";
  token: string;
  /** Data centre, e.g. "us21". */
  dc: string;
}

const DC = /^[a-z]{2,4}\d{1,3}$/;

/** The data centre from `dc`, or from the OAuth metadata's `api_endpoint` ("https://us21.api.mailchimp.com"). */
function dataCentre(fields: Record<string, unknown>): string {
  if (typeof fields.dc === "string") return fields.dc.trim();
  const endpoint = fields.api_endpoint ?? fields.apiEndpoint;
  const match = typeof endpoint === "string" ? /^https?:\/\/([a-z]{2,4}\d{1,3})\.api\.mailchimp\.com/.exec(endpoint) : null;
  return match ? match[1]! : "";
}

/**
 * Mailchimp credentials from stored values: `apiKey` ("…-us21"), or `accessToken` plus the data
 * centre (`dc`, or the `api_endpoint` the OAuth metadata call returns). Null when neither is usable.
 */
export function mailchimpAuth(fields: Record<string, unknown>): MailchimpAuth | null {
  const apiKey = typeof fields.apiKey === "string" ? fields.apiKey.trim() : "";
  if (apiKey) {
    const dc = apiKey.slice(apiKey.lastIndexOf("-") + 1);
    if (apiKey.includes("-") && DC.test(dc)) return { kind: "api_key", token: apiKey, dc };
  }
  const accessToken = typeof fields.accessToken === "string" ? fields.accessToken.trim() : "";
  const dc = dataCentre(fields);
  if (accessToken && DC.test(dc)) return { kind: "oauth", token: accessToken, dc };
  return null;
}

/** Mailchimp credentials as the connections room hands them: an API key, or a token with the grant's data centre. */
export function mailchimpAuthOf(credentials: Credentials): MailchimpAuth | null {
  return mailchimpAuth({ ...(credentials.account ?? {}), ...credentials.fields, ...(credentials.accessToken ? { accessToken: credentials.accessToken } : {}) });
}

/** MAILCHIMP_API_BASE with `{dc}` replaced by the account's data centre. */
export function mailchimpBaseUrl(dc: string): string {
  return endpointUrl(mailchimpManifest.api.base!).replace(/\{dc\}/g, encodeURIComponent(dc));
}

export function createMailchimpClient(auth: MailchimpAuth, options: { timeoutMs?: number } = {}): ApiClient {
  const client = new ApiClient();
  client.basePath = mailchimpBaseUrl(auth.dc);
  // No `server`: the SDK would replace the first "server" in the URL with it.
  client.setConfig(auth.kind === "api_key" ? { apiKey: auth.token } : { accessToken: auth.token });
  if (options.timeoutMs) client.timeout = options.timeoutMs;
  return client;
}

export async function listAudiences(client: ApiClient): Promise<Audience[]> {
  const answer = await client.lists.getAllLists({ count: 1000, fields: ["lists.id", "lists.name", "lists.stats.member_count", "total_items"] });
  return (answer.lists ?? []).map((l) => ({ id: l.id, name: l.name, memberCount: l.stats?.member_count ?? 0 }));
}

/** Mailchimp's member id: the MD5 of the lower-cased address. */
export function subscriberHash(email: string): string {
  return crypto.createHash("md5").update(email.trim().toLowerCase()).digest("hex");
}

/** Adds or updates a member (PUT, so pushing twice is harmless); existing members keep their status. */
export async function pushContact(client: ApiClient, listId: string, contact: ContactPush): Promise<PushedContact> {
  const mergeFields: Record<string, string> = { ...contact.mergeFields };
  if (contact.firstName) mergeFields.FNAME = contact.firstName;
  if (contact.lastName) mergeFields.LNAME = contact.lastName;
  const member = await client.lists.setListMember(listId, subscriberHash(contact.email), {
    email_address: contact.email.trim(),
    status_if_new: contact.status,
    ...(Object.keys(mergeFields).length ? { merge_fields: mergeFields } : {}),
  });
  return { id: member.id, email: member.email_address, status: member.status };
}

interface SuperagentError {
  status?: number;
  response?: { body?: { title?: string; detail?: string; errors?: { field?: string; message?: string }[] }; headers?: Record<string, string> };
}

/** Mailchimp answers problems as `{title, status, detail, errors?}`; superagent puts them on `response.body`. */
export function classifyMailchimpError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as SuperagentError;
  const status = typeof e?.status === "number" ? e.status : undefined;
  if (status && status >= 400) {
    const body = e.response?.body;
    const fieldErrors = (body?.errors ?? []).map((f) => [f.field, f.message].filter(Boolean).join(": ")).filter(Boolean);
    const said = [body?.title, body?.detail, ...fieldErrors].filter(Boolean).join(" — ") || `HTTP ${status}`;
    const category = categoryForStatus(status);
    const message = category === "auth" ? `Mailchimp rejected the credentials: ${said}` : `Mailchimp answered HTTP ${status}: ${said}`;
    return new ProviderError(message, { category, statusCode: status, retryAfterMs: parseRetryAfter(e.response?.headers?.["retry-after"]), cause: error });
  }
  return classifyGeneric(error);
}

/** The marketing slot. */
export const marketing: MarketingPort = {
  open(credentials, options) {
    const auth = mailchimpAuthOf(credentials);
    if (!auth) return null;
    const client = createMailchimpClient(auth, options);
    return { listAudiences: () => listAudiences(client), pushContact: (listId, contact) => pushContact(client, listId, contact) };
  },
  classify: classifyMailchimpError,
};
