// SendGrid through the official @sendgrid/mail SDK, pointed at SENDGRID_API_BASE.
//
// Why a fresh MailService per call: the module's default export is a process-wide singleton whose
// API key and base URL are plain mutable fields, so two workspaces testing or sending at the same
// moment would race (one request going out with the other's key). `new MailService()` builds its
// own HTTP client instance (it is the same SDK class the singleton uses, not a look-alike), so a
// per-connection instance isolates key, base URL, timeout and abort signal without locking.
import { MailService } from "@sendgrid/mail";
import type { OutgoingEmail, SentEmail } from "@/lib/integrations/kit/ports/email";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { sendgridManifest } from "@/lib/integrations/sendgrid/manifest";
import type { AdapterContext, ApiKeyAdapter, TestOutcome } from "@/lib/integrations/kit/manifest";
import { categoryForStatus, classifyError as classifyGeneric, parseRetryAfter, ProviderError } from "@/lib/integrations/kit/errors";

/** The part of the SDK's HTTP client we use (the MailService typings do not expose it). */
interface SendGridHttpClient {
  setDefaultRequest(key: string, value: unknown): unknown;
  request(data: { method: string; url: string; body?: unknown; qs?: Record<string, string> }): Promise<[{ statusCode: number; body: unknown; headers: unknown }, unknown]>;
}

export interface SendGridInstance {
  mail: MailService;
  http: SendGridHttpClient;
}

export interface SendGridOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A SendGrid SDK instance for one API key, aimed at the configured base URL. */
export function createSendGrid(apiKey: string, options: SendGridOptions = {}): SendGridInstance {
  const mail = new MailService();
  // Order matters: setApiKey() resets the base URL to the SDK's region default, so the
  // configured base URL must be set after it.
  mail.setApiKey(apiKey);
  const http = (mail as unknown as { client: SendGridHttpClient }).client;
  http.setDefaultRequest("baseUrl", `${endpointUrl(sendgridManifest.api.base!)}/`);
  if (options.timeoutMs) http.setDefaultRequest("timeout", options.timeoutMs);
  // Passed through to axios, so the pipeline's timeout really cancels the request.
  if (options.signal) http.setDefaultRequest("signal", options.signal);
  return { mail, http };
}

const MAIL_SEND_SCOPE = "mail.send";

/**
 * Proves the key works: `GET /v3/scopes` (allowed for every key) lists its permissions. A key that
 * cannot send mail is useless here, so that fails the test with a message saying what to fix. The
 * label is the account's email when the key may read it, else the number of permissions.
 */
export async function testSendGridConnection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome> {
  const { http } = createSendGrid(fields.apiKey!, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const [, body] = await http.request({ method: "GET", url: "/v3/scopes" });
  const scopes = Array.isArray((body as { scopes?: unknown })?.scopes) ? ((body as { scopes: unknown[] }).scopes.filter((s) => typeof s === "string") as string[]) : [];
  if (!scopes.includes(MAIL_SEND_SCOPE)) {
    throw new ProviderError("This SendGrid API key cannot send mail: give it the Mail Send permission (Settings → API Keys → Edit) or create a new key", {
      category: "auth",
      statusCode: 403,
      providerCode: "missing_mail_send_scope",
    });
  }
  let account: string | undefined;
  if (scopes.includes("user.email.read")) {
    try {
      const [, user] = await http.request({ method: "GET", url: "/v3/user/email" });
      const email = (user as { email?: unknown })?.email;
      if (typeof email === "string" && email) account = email;
    } catch {
      // The label is a nicety; the key already proved it works.
    }
  }
  const label = account ?? `${scopes.length} permission${scopes.length === 1 ? "" : "s"}`;
  return { accountLabel: `SendGrid · ${label}`, grantedScopes: scopes };
}

interface SendGridResponseError {
  code: number;
  message?: string;
  response?: { headers?: unknown; body?: unknown };
}

function isResponseError(error: unknown): error is SendGridResponseError {
  if (!(error instanceof Error)) return false;
  const e = error as unknown as SendGridResponseError;
  return typeof e.code === "number" && e.code >= 400 && typeof e.response === "object" && e.response !== null;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === "function") {
    const v = getter.call(headers, name);
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key ? (headers as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** SendGrid's `{"errors":[{"message":…,"field":…}]}` as one sentence. */
function bodyMessage(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown })?.errors;
  if (!Array.isArray(errors)) return undefined;
  const parts = errors
    .map((e) => {
      const m = typeof e?.message === "string" ? e.message : "";
      const f = typeof e?.field === "string" && e.field ? ` (${e.field})` : "";
      return m ? m + f : "";
    })
    .filter(Boolean);
  return parts.length ? parts.join("; ") : undefined;
}

/** Retry-After, else SendGrid's X-RateLimit-Reset (epoch seconds when the window resets). */
function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(header(headers, "retry-after"), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(header(headers, "x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** Maps SendGrid failures by HTTP status; network errors and the rest go to the generic rules. */
export function classifySendGridError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isResponseError(error)) {
    const status = error.code;
    const category = categoryForStatus(status);
    const said = bodyMessage(error.response?.body) ?? error.message ?? `HTTP ${status}`;
    const message =
      category === "auth"
        ? `SendGrid rejected the API key: ${said}`
        : category === "rate_limit"
          ? `SendGrid is rate limiting requests: ${said}`
          : `SendGrid answered HTTP ${status}: ${said}`;
    return new ProviderError(message, { category, statusCode: status, retryAfterMs: retryAfterMs(error.response?.headers), cause: error });
  }
  const generic = classifyGeneric(error);
  if (generic.category !== "transient" || generic.statusCode !== undefined) return generic;
  return new ProviderError(`Could not reach SendGrid: ${generic.message}`, { category: "transient", providerCode: generic.providerCode, cause: error });
}

/**
 * Sends through `POST /v3/mail/send`: one personalization per recipient (each gets their own
 * copy), plain text before HTML as SendGrid requires, the template as a category.
 */
export async function sendSendGridMail(fields: Record<string, string>, email: OutgoingEmail, ctx: AdapterContext): Promise<SentEmail> {
  const { mail } = createSendGrid(fields.apiKey!, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const [response] = await mail.send({
    to: email.to,
    isMultiple: email.to.length > 1,
    from: fields.fromName ? { email: fields.fromEmail!, name: fields.fromName } : fields.fromEmail!,
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(email.category ? { categories: [email.category] } : {}),
  });
  return { messageId: header(response?.headers, "x-message-id") };
}

/** True when SendGrid certainly did not accept the message: it answered with an error, or was never reached. */
export function sendgridDefinitelyNotSent(error: unknown): boolean {
  if (isResponseError(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
}

export const sendgridAdapter: ApiKeyAdapter = {
  testConnection: testSendGridConnection,
  classifyError: classifySendGridError,
};
