// SMTP through nodemailer. The connection test opens a session and authenticates (nodemailer's
// verify), without sending anything. Each recipient gets their own message so that nobody sees
// the other recipients.
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { OutgoingEmail, SentEmail } from "@/lib/integrations/kit/ports/email";
import type { SmtpSecurity } from "@/lib/integrations/smtp/manifest";
import type { AdapterContext, ApiKeyAdapter, TestOutcome } from "@/lib/integrations/kit/manifest";
import { abortable } from "@/lib/integrations/kit/abortable";
import { classifyError as classifyGeneric, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";

/** The encryption in force: the field, else by port (465 is implicit TLS, anything else STARTTLS). */
export function smtpSecurity(fields: Record<string, string | undefined>): SmtpSecurity {
  const chosen = fields.security as SmtpSecurity | undefined;
  if (chosen === "starttls" || chosen === "tls" || chosen === "none") return chosen;
  return fields.port === "465" ? "tls" : "starttls";
}

export function smtpTransportOptions(fields: Record<string, string | undefined>, timeoutMs: number): SMTPTransport.Options {
  const security = smtpSecurity(fields);
  return {
    host: fields.host,
    port: Number(fields.port),
    secure: security === "tls",
    // STARTTLS is required when chosen (never silently sent in clear text); "none" never upgrades.
    requireTLS: security === "starttls",
    ignoreTLS: security === "none",
    auth: fields.username ? { user: fields.username, pass: fields.password ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Our own logging only: nodemailer's logger would print the conversation, credentials included.
    logger: false,
    debug: false,
  };
}

const SECURITY_LABEL: Record<SmtpSecurity, string> = { starttls: "STARTTLS", tls: "TLS", none: "no encryption" };

/** Connects and authenticates; the label names the server, the login and the encryption. */
export async function testSmtpConnection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome> {
  const transport = nodemailer.createTransport(smtpTransportOptions(fields, ctx.timeoutMs));
  try {
    await abortable(transport.verify(), ctx.signal, () => transport.close());
  } finally {
    transport.close();
  }
  const who = fields.username ? `${fields.username} @ ` : "";
  return {
    accountLabel: `SMTP · ${who}${fields.host}:${fields.port} · ${SECURITY_LABEL[smtpSecurity(fields)]}`,
    // One connection per server login and sender: a second brand's address is another connection.
    accountId: `${fields.username ?? ""}@${fields.host?.toLowerCase()}:${fields.port}/${fields.fromEmail?.toLowerCase()}`,
  };
}

/** Sends one copy per recipient over one connection; answers the last message id. */
export async function sendSmtpMail(fields: Record<string, string>, email: OutgoingEmail, ctx: AdapterContext): Promise<SentEmail> {
  const transport = nodemailer.createTransport(smtpTransportOptions(fields, ctx.timeoutMs));
  try {
    let messageId: string | undefined;
    for (const to of email.to) {
      const info = await abortable(
        transport.sendMail({
          from: fields.fromName ? { name: fields.fromName, address: fields.fromEmail! } : fields.fromEmail,
          to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: email.category ? { "X-Plugboard-Template": email.category } : undefined,
        }),
        ctx.signal,
        () => transport.close(),
      );
      messageId = info.messageId;
    }
    return { messageId };
  } finally {
    transport.close();
  }
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

const NOT_REACHED = new Set(["ECONNECTION", "EDNS", "ETIMEDOUT", "ESOCKET", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET"]);

/** Maps nodemailer's errors: SMTP reply codes first (4xx try later, 5xx refused), then its error codes. */
export function classifySmtpError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as SmtpError & { message?: string };
  const said = (e.response ?? e.message ?? "unknown error").trim();
  let category: ErrorCategory;
  let message: string;
  if (e.code === "EAUTH" || e.responseCode === 535 || e.responseCode === 534 || e.responseCode === 530) {
    category = "auth";
    message = `The SMTP server refused the login: ${said}`;
  } else if (/certificate|self[- ]signed|SSL|TLS/i.test(said) && (e.code === "ESOCKET" || e.code === "ETLS" || e.code === "ECONNECTION")) {
    category = "permanent";
    message = `The TLS connection to the SMTP server failed (check the encryption setting and the server's certificate): ${said}`;
  } else if (typeof e.responseCode === "number" && e.responseCode >= 400 && e.responseCode < 500) {
    category = e.responseCode === 421 || e.responseCode === 450 || e.responseCode === 451 ? "transient" : "rate_limit";
    message = `The SMTP server asked to try again later (${e.responseCode}): ${said}`;
  } else if (typeof e.responseCode === "number" && e.responseCode >= 500) {
    category = e.code === "EENVELOPE" || e.responseCode === 550 || e.responseCode === 553 ? "validation" : "permanent";
    message = `The SMTP server refused the message (${e.responseCode}): ${said}`;
  } else if (e.code && NOT_REACHED.has(e.code)) {
    category = "transient";
    message = `Could not reach the SMTP server: ${said}`;
  } else {
    return classifyGeneric(error);
  }
  return new ProviderError(message, { category, providerCode: e.code ?? (e.responseCode ? `smtp_${e.responseCode}` : undefined), cause: error });
}

/** True when the server certainly did not take the message (so sending again cannot duplicate it). */
export function smtpDefinitelyNotSent(error: unknown): boolean {
  const e = (error ?? {}) as SmtpError & { message?: string };
  if (typeof e.responseCode === "number") return true;
  return e.code === "EAUTH" || e.code === "EDNS" || e.code === "EENVELOPE" || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(e.message ?? "");
}

export const smtpAdapter: ApiKeyAdapter = {
  testConnection: testSmtpConnection,
  classifyError: classifySmtpError,
};
