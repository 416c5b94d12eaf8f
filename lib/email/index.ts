// Sending templated email through the workspace's connected email provider (SendGrid or SMTP).
// A failure returns a graceful result: the flow that sent the email never breaks because of it.
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { renderTemplate, EmailTemplateError, type TemplateValues } from "@/lib/email/render";
import type { EmailLanguage, EmailTemplate } from "@/lib/email/templates";
import type { OutgoingEmail, SentEmail } from "@/lib/integrations/kit/ports/email";
import { readConnectionFields } from "@/lib/integrations/connections";
import { scrubSecrets } from "@/lib/integrations/kit/secrets";
import type { AdapterContext } from "@/lib/integrations/kit/manifest";
import { logger } from "@/lib/log";
import { callProvider, ProviderError, safeMessage, type CallOptions, type ErrorCategory } from "@/lib/pipeline";

export type { EmailLanguage, EmailTemplate } from "@/lib/email/templates";
export { EMAIL_LANGUAGES, EMAIL_TEMPLATES } from "@/lib/email/templates";

export interface TemplateEmail {
  to: string | string[];
  template: EmailTemplate;
  language: EmailLanguage;
  values: TemplateValues;
}

export type EmailProviderId = "sendgrid" | "smtp";

export type SendEmailResult =
  | { ok: true; provider: EmailProviderId; messageId?: string }
  | {
      ok: false;
      category: ErrorCategory;
      message: string;
      gracefulFail: true;
      provider?: EmailProviderId;
      /** "unknown" when the request may have reached the provider (a timeout, a dropped connection): sending again could duplicate it. */
      delivery: "not_sent" | "unknown";
    };

interface EmailSender {
  send(fields: Record<string, string>, email: OutgoingEmail, ctx: AdapterContext): Promise<SentEmail>;
  classify(error: unknown): ProviderError;
  definitelyNotSent(error: unknown): boolean;
}

/** Loaded on use, like the manifests' adapters, so importing this module pulls in no SDK. */
const SENDERS: Record<EmailProviderId, () => Promise<EmailSender>> = {
  sendgrid: () =>
    import("@/lib/integrations/sendgrid/client").then((m) => ({ send: m.sendSendGridMail, classify: m.classifySendGridError, definitelyNotSent: m.sendgridDefinitelyNotSent })),
  smtp: () => import("@/lib/integrations/smtp/client").then((m) => ({ send: m.sendSmtpMail, classify: m.classifySmtpError, definitelyNotSent: m.smtpDefinitelyNotSent })),
};

/** Order of preference when both are connected. */
const PROVIDER_ORDER: EmailProviderId[] = ["sendgrid", "smtp"];
const EMAIL_ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function failure(category: ErrorCategory, message: string, extra: { provider?: EmailProviderId; delivery?: "not_sent" | "unknown" } = {}): SendEmailResult {
  return { ok: false, category, message: safeMessage(message), gracefulFail: true, delivery: extra.delivery ?? "not_sent", ...(extra.provider ? { provider: extra.provider } : {}) };
}

/**
 * The email provider to use: a connected one that is healthy (not failing, no re-auth needed,
 * circuit closed), SendGrid before SMTP; else any connected one, so the failure gets recorded.
 */
export async function chooseEmailProvider(workspaceId: string): Promise<EmailProviderId | null> {
  const db = await getDb();
  const rows = await db.connection.findMany({
    where: { workspaceId, providerId: { in: PROVIDER_ORDER }, status: { not: "disconnected" } },
    select: { providerId: true, status: true, needsReauth: true, circuitState: true },
  });
  const healthy = (r: (typeof rows)[number]) => r.status === "connected" && !r.needsReauth && r.circuitState === "closed";
  const ranked = [...rows].sort((a, b) => Number(healthy(b)) - Number(healthy(a)) || PROVIDER_ORDER.indexOf(a.providerId as EmailProviderId) - PROVIDER_ORDER.indexOf(b.providerId as EmailProviderId));
  return (ranked[0]?.providerId as EmailProviderId | undefined) ?? null;
}

/**
 * Renders the template in the language and sends it to each recipient through the workspace's
 * email provider, as one pipeline call (retries, breaker, activity row). Never throws.
 */
export async function sendTemplateEmail(workspaceId: string, email: TemplateEmail, options: { actor?: string; callOptions?: CallOptions } = {}): Promise<SendEmailResult> {
  let outgoing: OutgoingEmail;
  try {
    const rendered = renderTemplate(email.template, email.language, email.values);
    const to = (Array.isArray(email.to) ? email.to : [email.to]).map((a) => a.trim()).filter(Boolean);
    if (to.length === 0) return failure("validation", "No recipient: give at least one email address");
    const invalid = to.filter((a) => !EMAIL_ADDRESS.test(a));
    if (invalid.length) return failure("validation", `Not an email address: ${invalid.map((a) => a.slice(0, 80)).join(", ")}`);
    outgoing = { to, subject: rendered.subject, html: rendered.html, text: rendered.text, category: rendered.template };
  } catch (error) {
    if (error instanceof EmailTemplateError) return failure("validation", error.message);
    logger.error("email rendering failed", { template: email.template, error });
    return failure("permanent", "The email could not be prepared");
  }

  let provider: EmailProviderId | null = null;
  try {
    provider = await chooseEmailProvider(workspaceId);
    const stored = provider ? await readConnectionFields(workspaceId, provider) : null;
    if (!provider || !stored) return failure("permanent", "No email provider is connected to this workspace: connect SendGrid or SMTP on the Integrations page");
    const sender = await SENDERS[provider]();
    let mayHaveBeenSent = false;
    const timeoutMs = options.callOptions?.timeoutMs ?? config().PIPELINE_TIMEOUT_MS;
    const result = await callProvider(
      { workspaceId, connectionId: stored.connectionId, providerId: provider, operation: `email.send.${email.template}`, actor: options.actor ?? "system" },
      (signal) => sender.send(stored.fields, outgoing, { signal, timeoutMs }),
      {
        ...options.callOptions,
        timeoutMs,
        classify: (error) => {
          // Remembered per failed attempt: the last attempt decides.
          mayHaveBeenSent = !sender.definitelyNotSent(error);
          const classified = sender.classify(error);
          return new ProviderError(scrubSecrets(classified.message, stored.fields), { category: classified.category, statusCode: classified.statusCode, retryAfterMs: classified.retryAfterMs, providerCode: classified.providerCode });
        },
      },
    );
    if (result.ok) return { ok: true, provider, ...(result.value.messageId ? { messageId: result.value.messageId } : {}) };
    // attempts 0: the circuit was open and nothing was sent.
    return failure(result.category, result.message, { provider, delivery: result.attempts > 0 && mayHaveBeenSent ? "unknown" : "not_sent" });
  } catch (error) {
    logger.error("email sending failed unexpectedly", { template: email.template, provider, error });
    return failure("permanent", `The email could not be sent: ${(error as Error).message}`, { ...(provider ? { provider } : {}), delivery: "unknown" });
  }
}
