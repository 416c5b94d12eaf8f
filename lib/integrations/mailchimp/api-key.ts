// Mailchimp's API-key way in (a key like `…-us19`, the suffix naming the data centre), beside OAuth:
// the generic API-key flow calls this adapter to test a key live through the real SDK.
import { categoryForStatus, classifyError, parseRetryAfter, ProviderError } from "@/lib/pipeline/errors";
import type { ApiKeyAdapter } from "@/lib/integrations/kit/manifest";
import { createMailchimpClient, dataCentreOfKey } from "@/lib/integrations/mailchimp/sdk";

interface SuperagentError {
  status?: number;
  response?: { status?: number; body?: { title?: string; detail?: string }; headers?: Record<string, string> };
}

export const mailchimpApiKeyAdapter: ApiKeyAdapter = {
  async testConnection(fields, ctx) {
    const client = createMailchimpClient({ dc: dataCentreOfKey(fields.apiKey!), apiKey: fields.apiKey! }, ctx.timeoutMs);
    const root = await client.root.getRoot({ fields: ["account_name", "email"] });
    const name = typeof root.account_name === "string" ? root.account_name : "Mailchimp";
    return { accountLabel: [name, typeof root.email === "string" ? root.email : null].filter(Boolean).join(" · ") };
  },

  classifyError(error) {
    const e = error as SuperagentError;
    const status = e?.response?.status ?? e?.status;
    if (typeof status !== "number") return classifyError(error);
    // Mailchimp answers problems as application/problem+json: { title, detail }.
    const body = e.response?.body ?? {};
    const detail = [body.title, body.detail].filter(Boolean).join(": ") || `HTTP ${status}`;
    return new ProviderError(status === 401 ? `Mailchimp rejected the API key: ${detail}` : `Mailchimp answered ${status}: ${detail}`, {
      category: categoryForStatus(status),
      statusCode: status,
      retryAfterMs: parseRetryAfter(e.response?.headers?.["retry-after"]),
    });
  },
};
