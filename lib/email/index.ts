// Sending templated email through the workspace's email connection: whichever provider fills the
// `email` slot (SendGrid, SMTP, …), chosen by the connections room (a healthy one first).
// A failure returns a graceful result: the flow that sent the email never breaks because of it.
import { config } from "@/lib/config";
import { ConnectionUnavailableError, openCapability, slotProviderNames } from "@/lib/connections/open";
import { renderTemplate, EmailTemplateError, type TemplateValues } from "@/lib/email/render";
import type { EmailLanguage, EmailTemplate } from "@/lib/email/templates";
import type { OutgoingEmail } from "@/lib/integrations/kit/ports/email";
import { logger } from "@/lib/log";
import { safeMessage, type CallOptions, type ErrorCategory, type ProviderError } from "@/lib/pipeline";

export type { EmailLanguage, EmailTemplate } from "@/lib/email/templates";
export { EMAIL_LANGUAGES, EMAIL_TEMPLATES } from "@/lib/email/templates";

export interface TemplateEmail {
  to: string | string[];
  template: EmailTemplate;
  language: EmailLanguage;
  values: TemplateValues;
}

/** The id of the provider that sent (or tried to send) the email. */
export type EmailProviderId = string;

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

const EMAIL_ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function failure(category: ErrorCategory, message: string, extra: { provider?: EmailProviderId; delivery?: "not_sent" | "unknown" } = {}): SendEmailResult {
  return {
    ok: false,
    category,
    message: safeMessage(message),
    gracefulFail: true,
    delivery: extra.delivery ?? "not_sent",
    ...(extra.provider ? { provider: extra.provider } : {}),
  };
}

/**
 * Renders the template in the language and sends it to each recipient through the workspace's
 * email provider, as one pipeline call (retries, breaker, activity row). Never throws.
 */
export async function sendTemplateEmail(
  workspaceId: string,
  email: TemplateEmail,
  options: { actor?: string; connectionId?: string; callOptions?: CallOptions } = {},
): Promise<SendEmailResult> {
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
    let mayHaveBeenSent = false;
    const opened = await openCapability(workspaceId, "email", {
      actor: options.actor ?? "system",
      ...(options.connectionId ? { connectionId: options.connectionId } : {}),
      // Called per failed attempt, so `port` (opened below) is set by then: the last attempt decides.
      classify: (error): ProviderError => {
        mayHaveBeenSent = !port.definitelyNotSent(error);
        return port.classify(error);
      },
    }).catch((error: unknown) => {
      if (error instanceof ConnectionUnavailableError) return null;
      throw error;
    });
    if (!opened) return failure("permanent", `No email provider is connected to this workspace: connect ${slotProviderNames("email")} on the Integrations page`);
    const { connection, port } = opened;
    provider = connection.providerId;
    const timeoutMs = options.callOptions?.timeoutMs ?? config().PIPELINE_TIMEOUT_MS;
    const result = await connection.call(`email.send.${email.template}`, (signal) => port.send(connection.credentials.fields, outgoing, { signal, timeoutMs }), {
      ...options.callOptions,
      timeoutMs,
    });
    if (result.ok) return { ok: true, provider, ...(result.value.messageId ? { messageId: result.value.messageId } : {}) };
    // attempts 0: the circuit was open and nothing was sent.
    return failure(result.category, result.message, { provider, delivery: result.attempts > 0 && mayHaveBeenSent ? "unknown" : "not_sent" });
  } catch (error) {
    logger.error("email sending failed unexpectedly", { template: email.template, provider, error });
    return failure("permanent", `The email could not be sent: ${(error as Error).message}`, { ...(provider ? { provider } : {}), delivery: "unknown" });
  }
}
