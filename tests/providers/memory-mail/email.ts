// The memory-mail provider's ports: an API-key test that accepts one token, and an email port that
// records what it is asked to send.
import type { ApiKeyAdapter } from "@/lib/integrations/kit/manifest";
import { ProviderError, classifyError } from "@/lib/integrations/kit/errors";
import type { EmailPort, OutgoingEmail } from "@/lib/integrations/kit/ports/email";

export const MEMORY_MAIL_TOKEN = "memory-mail-token";

export const outbox: { from: string; email: OutgoingEmail }[] = [];

export const adapter: ApiKeyAdapter = {
  async testConnection(fields) {
    if (fields.token !== MEMORY_MAIL_TOKEN) throw new ProviderError("Memory Mail rejected the token", { category: "auth", statusCode: 401 });
    return { accountLabel: `Memory Mail · ${fields.fromEmail}`, accountId: fields.fromEmail };
  },
  classifyError: (error) => classifyError(error),
};

export const email: EmailPort = {
  async send(fields, message) {
    if (fields.token !== MEMORY_MAIL_TOKEN) throw new ProviderError("Memory Mail rejected the token", { category: "auth", statusCode: 401 });
    outbox.push({ from: fields.fromEmail ?? "", email: message });
    return { messageId: `memory-${outbox.length}` };
  },
  classify: (error) => classifyError(error),
  definitelyNotSent: () => true,
};
