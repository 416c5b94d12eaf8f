// Twilio through the official SDK. The SDK builds absolute https://api.twilio.com URLs itself
// (edge/region only choose other Twilio hosts), so a RequestClient subclass swaps the origin for
// TWILIO_API_BASE on the way out; everything else — auth, form encoding, errors — is the SDK's.
import twilio from "twilio";
import type TwilioRequestClient from "twilio/lib/base/RequestClient";
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { twilioManifest } from "@/lib/integrations/twilio/manifest";
import type { SmsRequest } from "@/lib/integrations/kit/ports/sms";
import type { AdapterContext, ApiKeyAdapter, TestOutcome } from "@/lib/integrations/kit/manifest";
import { categoryForStatus, classifyError as classifyGeneric, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";

type TwilioRequestOptions<TData> = TwilioRequestClient.RequestOptions<TData>;

/** Sends the SDK's requests to the configured base URL, with our timeout and abort signal. */
class ConfiguredRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: URL,
    private readonly signal?: AbortSignal,
    timeoutMs?: number,
  ) {
    // The SDK's own 429 retries stay off: the call pipeline owns retries.
    super({ timeout: timeoutMs, autoRetry: false });
  }

  override request<TData>(opts: TwilioRequestOptions<TData>) {
    if (this.signal?.aborted) return Promise.reject(this.signal.reason ?? new DOMException("Aborted", "AbortError"));
    const target = new URL(opts.uri);
    const uri = `${this.base.origin}${this.base.pathname.replace(/\/$/, "")}${target.pathname}${target.search}`;
    return super.request<TData>({ ...opts, uri });
  }
}

export interface TwilioFields {
  accountSid: string;
  authToken: string;
  fromNumber: string;
}

export function createTwilioClient(fields: Pick<TwilioFields, "accountSid" | "authToken">, options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const base = new URL(endpointUrl(twilioManifest.api.base!));
  return twilio(fields.accountSid, fields.authToken, { httpClient: new ConfiguredRequestClient(base, options.signal, options.timeoutMs) });
}

/** Reads the account (the cheapest authenticated call) and checks it can send. */
export async function testTwilioConnection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome> {
  const client = createTwilioClient({ accountSid: fields.accountSid!, authToken: fields.authToken! }, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const account = await client.api.v2010.accounts(fields.accountSid!).fetch();
  if (account.status !== "active") {
    throw new ProviderError(`This Twilio account is ${account.status}: it cannot send messages`, { category: "auth", statusCode: 403, providerCode: `account_${account.status}` });
  }
  const kind = account.type === "Trial" ? " (trial)" : "";
  // One connection per account and sending number (a brand per number).
  return { accountLabel: `Twilio · ${account.friendlyName}${kind} · ${fields.fromNumber}`, accountId: `${account.sid}/${fields.fromNumber}` };
}

export async function sendTwilioSms(fields: TwilioFields, request: SmsRequest, ctx: AdapterContext) {
  const client = createTwilioClient(fields, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  return client.messages.create({ to: request.to, from: fields.fromNumber, body: request.body, ...(request.statusCallback ? { statusCallback: request.statusCallback } : {}) });
}

// Twilio error codes that say the credentials are wrong, whatever the HTTP status.
const AUTH_CODES = new Set([20003, 20005, 20006]);

/** Maps Twilio's RestException (`{code, message, more_info, status}`) onto the pipeline's categories. */
export function classifyTwilioError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as { status?: unknown; code?: unknown; message?: unknown; moreInfo?: unknown };
  if (error instanceof Error && typeof e.status === "number" && e.status >= 400) {
    const code = typeof e.code === "number" ? e.code : undefined;
    const category: ErrorCategory = code !== undefined && AUTH_CODES.has(code) ? "auth" : categoryForStatus(e.status);
    const said = (typeof e.message === "string" && e.message) || `HTTP ${e.status}`;
    const message = category === "auth" ? `Twilio rejected the credentials: ${said}` : `Twilio answered HTTP ${e.status}${code ? ` (error ${code})` : ""}: ${said}`;
    return new ProviderError(message, { category, statusCode: e.status, ...(code !== undefined ? { providerCode: String(code) } : {}), cause: error });
  }
  return classifyGeneric(error);
}

export const twilioAdapter: ApiKeyAdapter = {
  testConnection: testTwilioConnection,
  classifyError: classifyTwilioError,
};
