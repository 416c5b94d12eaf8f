// Renders a template into subject, HTML and plain text. The same blocks feed both parts; every
// value is HTML-escaped in the HTML part (and link values must be http(s) addresses), and the
// subject is kept to one line so a value cannot add a header.
import { escapeHtml } from "@/lib/html";
import { EMAIL_LANGUAGES, EMAIL_TEMPLATES, LANGUAGE_NAMES, TEMPLATES, type Block, type EmailLanguage, type EmailTemplate, type LocalizedTemplate } from "@/lib/email/templates";

/** A template, language or value problem: the caller's mistake, with a message that says which. */
export class EmailTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmailTemplateError";
  }
}

export type TemplateValues = Record<string, string | number | null | undefined>;

export interface RenderedEmail {
  template: EmailTemplate;
  language: EmailLanguage;
  subject: string;
  html: string;
  text: string;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

function normalize(values: TemplateValues): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === null || value === undefined) continue;
    const text = String(value);
    if (text.trim() !== "") out.set(key, text);
  }
  return out;
}

/** Fills `{key}` placeholders; `encode` is applied to the template's own text and to values alike. */
function fill(template: string, values: Map<string, string>, encode: (s: string) => string, where: string): string {
  let out = "";
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const value = values.get(match[1]!);
    if (value === undefined) throw new EmailTemplateError(`${where} uses {${match[1]}} but no value was given for it`);
    out += encode(template.slice(last, match.index)) + encode(value);
    last = match.index! + match[0].length;
  }
  return out + encode(template.slice(last));
}

const asText = (s: string) => s;
const asHtml = (s: string) => escapeHtml(s).replace(/\r?\n/g, "<br>");
const oneLine = (s: string) =>
  s
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();

function linkValue(url: string, key: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new EmailTemplateError(`The value ${key} must be an http(s) address`);
  return url;
}

function shown(block: { if?: string }, values: Map<string, string>): boolean {
  return !block.if || values.has(block.if);
}

interface Part {
  html: string;
  text: string;
}

const STYLE = {
  body: "margin:0;padding:0;background:#f4f4f5;",
  card: "max-width:600px;width:100%;background:#ffffff;border-radius:8px;border:1px solid #e4e4e7;",
  content: "padding:32px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#18181b;font-size:15px;line-height:1.6;",
  heading: "margin:0 0 16px;font-size:20px;line-height:1.3;",
  paragraph: "margin:0 0 16px;",
  label: "padding:6px 16px 6px 0;color:#71717a;white-space:nowrap;vertical-align:top;",
  value: "padding:6px 0;font-weight:600;",
  button: "display:inline-block;background:#18181b;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;",
  note: "margin:0 0 16px;font-size:13px;color:#71717a;",
  footer: "margin:16px 0 0;font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#71717a;",
};

function renderBlock(block: Block, values: Map<string, string>, where: string): Part | null {
  const both = (text: string): Part => ({ html: fill(text, values, asHtml, where), text: fill(text, values, asText, where) });
  switch (block.kind) {
    case "heading": {
      const p = both(block.text);
      return { html: `<h1 style="${STYLE.heading}">${p.html}</h1>`, text: p.text };
    }
    case "paragraph": {
      const source = shown(block, values) ? block.text : block.otherwise;
      if (source === undefined) return null;
      const p = both(source);
      return { html: `<p style="${STYLE.paragraph}">${p.html}</p>`, text: p.text };
    }
    case "note": {
      if (!shown(block, values)) return null;
      const p = both(block.text);
      return { html: `<p style="${STYLE.note}">${p.html}</p>`, text: p.text };
    }
    case "details": {
      const rows = block.rows.filter((r) => shown(r, values)).map((r) => ({ label: both(r.label), value: both(r.value) }));
      if (rows.length === 0) return null;
      return {
        html: `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:0 0 16px;">${rows
          .map((r) => `<tr><td style="${STYLE.label}">${r.label.html}</td><td style="${STYLE.value}">${r.value.html}</td></tr>`)
          .join("")}</table>`,
        text: rows.map((r) => `${r.label.text}: ${r.value.text}`).join("\n"),
      };
    }
    case "button": {
      if (!shown(block, values)) return null;
      const key = /\{([a-z_]+)\}/.exec(block.url)?.[1] ?? "url";
      const url = linkValue(fill(block.url, values, asText, where), key);
      const label = both(block.label);
      return {
        html: `<p style="${STYLE.paragraph}"><a href="${escapeHtml(url)}" style="${STYLE.button}">${label.html}</a></p>`,
        text: `${label.text}: ${url}`,
      };
    }
  }
}

/** The template in the given language, or an error naming what exists. */
export function templateFor(template: string, language: string): { name: EmailTemplate; localized: LocalizedTemplate; required: string[] } {
  if (!(EMAIL_TEMPLATES as readonly string[]).includes(template)) {
    throw new EmailTemplateError(`Unknown email template "${template.slice(0, 60)}"; the templates are ${EMAIL_TEMPLATES.join(", ")}`);
  }
  const spec = TEMPLATES[template as EmailTemplate];
  const localized = spec.languages[language];
  if (!localized) {
    const available = Object.keys(spec.languages)
      .map((l) => `${l} (${LANGUAGE_NAMES[l as EmailLanguage] ?? l})`)
      .join(", ");
    throw new EmailTemplateError(`The email template "${template}" has no "${language.slice(0, 20)}" version; it exists in ${available}`);
  }
  return { name: template as EmailTemplate, localized, required: spec.required };
}

export function renderTemplate(template: string, language: string, values: TemplateValues): RenderedEmail {
  const { name, localized, required } = templateFor(template, language);
  const given = normalize(values);
  const missing = required.filter((key) => !given.has(key));
  if (missing.length) throw new EmailTemplateError(`The email template "${name}" needs ${missing.length === 1 ? "the value" : "the values"} ${missing.join(", ")}`);
  const where = `The ${language} "${name}" template`;

  const subject = oneLine(fill(localized.subject, given, asText, where));
  const preheader = fill(localized.preheader, given, asHtml, where);
  const parts = localized.blocks.map((b) => renderBlock(b, given, where)).filter((p): p is Part => p !== null);
  const footer = both(localized.footer);
  function both(text: string): Part {
    return { html: fill(text, given, asHtml, where), text: fill(text, given, asText, where) };
  }

  const html = [
    "<!doctype html>",
    `<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    `<div style="display:none;max-height:0;overflow:hidden;">${preheader}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px;">`,
    `<table role="presentation" cellpadding="0" cellspacing="0" style="${STYLE.card}"><tr><td style="${STYLE.content}">`,
    parts.map((p) => p.html).join("\n"),
    `</td></tr></table>`,
    `<p style="${STYLE.footer}">${footer.html}</p>`,
    `</td></tr></table></body></html>`,
  ].join("\n");
  const text = [...parts.map((p) => p.text), `--\n${footer.text}`].join("\n\n") + "\n";
  return { template: name, language: language as EmailLanguage, subject, html, text };
}

/** The sample values of a template (for previews and test emails). */
export function sampleValues(template: EmailTemplate, language: EmailLanguage): Record<string, string> {
  return { ...TEMPLATES[template].samples[language] };
}

const DATE_LOCALES: Record<EmailLanguage, string> = { en: "en-GB", de: "de-DE" };

/** "Thursday, 10 December 2026, 16:00 UTC" / "Donnerstag, 10. Dezember 2026, 16:00 UTC". */
export function formatEmailDate(date: Date, language: EmailLanguage): string {
  const formatted = new Intl.DateTimeFormat(DATE_LOCALES[language], { dateStyle: "full", timeStyle: "short", timeZone: "UTC" }).format(date);
  return `${formatted.replace(/ um /, ", ").replace(/ at /, ", ")} UTC`;
}

/** "in 7 days" / "in 7 Tagen". */
export function formatInDays(days: number, language: EmailLanguage): string {
  return new Intl.RelativeTimeFormat(DATE_LOCALES[language], { numeric: "always" }).format(days, "day");
}

export function isEmailLanguage(value: string): value is EmailLanguage {
  return (EMAIL_LANGUAGES as readonly string[]).includes(value);
}
