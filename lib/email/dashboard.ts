// What the email page of the dashboard needs: the templates, a preview of each in each language
// (with example values), and a test send to the admin.
import { z } from "zod";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { sendTemplateEmail, type SendEmailResult } from "@/lib/email";
import { EmailTemplateError, renderTemplate, sampleValues, templateFor, type RenderedEmail } from "@/lib/email/render";
import { EMAIL_LANGUAGES, EMAIL_TEMPLATES, LANGUAGE_NAMES, TEMPLATES, type EmailLanguage, type EmailTemplate } from "@/lib/email/templates";
import { badRequest } from "@/lib/http/api";

export interface TemplateInfo {
  id: EmailTemplate;
  description: string;
  required: string[];
  optional: string[];
  languages: { code: EmailLanguage; name: string; subject: string }[];
}

export function templateCatalog(): { templates: TemplateInfo[] } {
  return {
    templates: EMAIL_TEMPLATES.map((id) => ({
      id,
      description: TEMPLATES[id].description,
      required: [...TEMPLATES[id].required],
      optional: [...TEMPLATES[id].optional],
      languages: EMAIL_LANGUAGES.filter((l) => TEMPLATES[id].languages[l]).map((code) => ({ code, name: LANGUAGE_NAMES[code], subject: TEMPLATES[id].languages[code]!.subject })),
    })),
  };
}

const templateAndLanguage = {
  template: z
    .string({ error: `template is one of ${EMAIL_TEMPLATES.join(", ")}` })
    .trim()
    .min(1, `template is one of ${EMAIL_TEMPLATES.join(", ")}`),
  language: z
    .string({ error: `language is one of ${EMAIL_LANGUAGES.join(", ")}` })
    .trim()
    .min(1, `language is one of ${EMAIL_LANGUAGES.join(", ")}`),
};
export const previewQuerySchema = z.strictObject(templateAndLanguage);
export const testEmailBodySchema = z.strictObject({ ...templateAndLanguage, to: z.string().trim().pipe(z.email("to must be an email address")).optional() });

/** A template and language that exist, or a 400 naming what does. */
function checked(template: string, language: string): { template: EmailTemplate; language: EmailLanguage } {
  try {
    templateFor(template, language);
  } catch (error) {
    if (error instanceof EmailTemplateError) throw badRequest(error.message, { [/version/.test(error.message) ? "language" : "template"]: error.message });
    throw error;
  }
  return { template: template as EmailTemplate, language: language as EmailLanguage };
}

export interface EmailPreview extends RenderedEmail {
  values: Record<string, string>;
}

export function previewTemplate(template: string, language: string): EmailPreview {
  const t = checked(template, language);
  const values = sampleValues(t.template, t.language);
  return { ...renderTemplate(t.template, t.language, values), values };
}

/** Sends the template with its example values to `to` (default: the admin's own address). */
export async function sendTestEmail(user: SessionUser, body: z.infer<typeof testEmailBodySchema>): Promise<{ to: string; result: SendEmailResult }> {
  const t = checked(body.template, body.language);
  const to = body.to ?? user.email;
  const result = await sendTemplateEmail(
    user.workspaceId,
    { to, template: t.template, language: t.language, values: sampleValues(t.template, t.language) },
    { actor: actorOf(user) },
  );
  return { to, result };
}
