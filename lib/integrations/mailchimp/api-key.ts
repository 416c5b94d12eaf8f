// Mailchimp's API-key way in (a key like `…-us19`, the suffix naming the data centre), beside OAuth:
// the generic API-key flow calls this adapter to test a key live through the real SDK.
import type { ApiKeyAdapter } from "@/lib/integrations/kit/manifest";
import { classifyMailchimpError, createMailchimpClient, mailchimpAuth } from "@/lib/integrations/mailchimp/client";
import { ProviderError } from "@/lib/integrations/kit/errors";

export const mailchimpApiKeyAdapter: ApiKeyAdapter = {
  async testConnection(fields, ctx) {
    const auth = mailchimpAuth(fields);
    if (!auth) throw new ProviderError("A Mailchimp API key ends in its data centre, e.g. …-us21", { category: "validation" });
    const client = createMailchimpClient(auth, { timeoutMs: ctx.timeoutMs });
    const root = await client.root.getRoot({ fields: ["account_name", "email"] });
    const name = typeof root.account_name === "string" ? root.account_name : "Mailchimp";
    return { accountLabel: [name, typeof root.email === "string" ? root.email : null].filter(Boolean).join(" · ") };
  },

  classifyError(error) {
    const classified = classifyMailchimpError(error);
    if (classified.category !== "auth") return classified;
    // A key typed into the form: say it is the key that was refused.
    return new ProviderError(classified.message.replace("rejected the credentials", "rejected the API key"), {
      category: classified.category,
      statusCode: classified.statusCode,
      retryAfterMs: classified.retryAfterMs,
    });
  },
};
