// The OAuth 2.0 wire format shared by the providers without an SDK of their own (LinkedIn, X,
// Mailchimp) and Google's refreshes, and the error mapping every provider uses: RFC 6749 token
// requests as form posts (over the kit's keep-alive HTTP client), token answers as JSON, and error
// codes (`invalid_grant` …) mapped onto the pipeline's categories.
import { categoryForStatus, classifyError, parseRetryAfter, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";
import { httpRequest, type HttpAnswer } from "@/lib/integrations/kit/http-client";
import type { TokenSet } from "@/lib/integrations/kit/oauth";

/** Token-endpoint error codes that mean the grant or the client is no longer good: the admin must reconnect. */
const REAUTH_CODES = new Set([
  "invalid_grant",
  "invalid_client",
  "unauthorized_client",
  // A scope the client may no longer ask for (refresh): retrying cannot help, a reconnect can.
  "invalid_scope",
  "access_denied",
  "invalid_token",
  "consent_required",
  "interaction_required",
  "login_required",
]);
const TRANSIENT_CODES = new Set(["temporarily_unavailable", "server_error"]);

export function oauthErrorCategory(status: number | undefined, code: string | undefined): ErrorCategory {
  if (code && REAUTH_CODES.has(code)) return "auth";
  if (code && TRANSIENT_CODES.has(code)) return "transient";
  if (status === undefined) return "permanent";
  return categoryForStatus(status);
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** A ProviderError for a failed OAuth answer: `{ error, error_description }` when the body has them. */
export function oauthError(providerName: string, status: number, body: unknown, retryAfter?: string | null): ProviderError {
  const json = body && typeof body === "object" ? (body as Json) : {};
  const code = str(json.error);
  const description = str(json.error_description) ?? str(json.message) ?? str(json.detail) ?? str(json.title);
  const what = code ? `${code}${description ? ` (${description})` : ""}` : (description ?? `HTTP ${status}`);
  return new ProviderError(`${providerName} answered ${status}: ${what}`, {
    category: oauthErrorCategory(status, code),
    statusCode: status,
    retryAfterMs: parseRetryAfter(retryAfter ?? null),
    ...(code ? { providerCode: code } : {}),
  });
}

/** ProviderErrors pass through; anything else (network, timeout) gets the generic classification. */
export function classifyOAuthError(error: unknown): ProviderError {
  return error instanceof ProviderError ? error : classifyError(error);
}

function readBody(answer: HttpAnswer): unknown {
  const text = answer.body;
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

export interface TokenRequestOptions {
  providerName: string;
  signal: AbortSignal;
  /** Confidential-client basic auth (X); otherwise the caller puts client_id/client_secret in the body. */
  basicAuth?: { clientId: string; clientSecret: string };
}

/** POSTs a form (token, revoke) and returns the JSON answer, or throws a classified ProviderError. */
export async function postForm(url: string, params: Record<string, string | undefined>, options: TokenRequestOptions): Promise<Json> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (options.basicAuth) {
    const { clientId, clientSecret } = options.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`;
  }
  const body = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === "string")).toString();
  return jsonAnswer(await httpRequest(url, { method: "POST", headers, body, signal: options.signal }), options.providerName);
}

/** An RFC 6749 token request: the JSON answer, which must carry an access token. */
export async function postTokenRequest(url: string, params: Record<string, string | undefined>, options: TokenRequestOptions): Promise<Json> {
  const json = await postForm(url, params, options);
  if (!str(json.access_token)) throw new ProviderError(`${options.providerName} sent a token answer without an access token`, { category: "permanent" });
  return json;
}

/** GETs a JSON resource with the access token (identity endpoints). */
export async function getJson(url: string, options: { providerName: string; signal: AbortSignal; authorization: string }): Promise<Json> {
  return jsonAnswer(
    await httpRequest(url, { method: "GET", headers: { authorization: options.authorization, accept: "application/json" }, signal: options.signal }),
    options.providerName,
  );
}

/** A 2xx answer's JSON object, or the classified ProviderError for any other status. */
function jsonAnswer(answer: HttpAnswer, providerName: string): Json {
  const json = readBody(answer);
  if (answer.status < 200 || answer.status > 299) throw oauthError(providerName, answer.status, json, answer.headers["retry-after"]);
  return (json && typeof json === "object" ? json : {}) as Json;
}

/** Splits a `scope` answer: space-separated per RFC 6749, comma-separated at LinkedIn. */
export function splitScopes(scope: unknown): string[] | null {
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === "string" && s !== "");
  if (typeof scope !== "string") return null;
  return scope.split(/[\s,]+/).filter(Boolean);
}

/** The standard token answer (`access_token`, `refresh_token`, `expires_in`, `scope`) as a TokenSet. */
export function tokenSetFrom(json: Json, now = Date.now()): TokenSet {
  const expiresIn = Number(json.expires_in);
  return {
    accessToken: str(json.access_token)!,
    ...(str(json.refresh_token) ? { refreshToken: str(json.refresh_token) } : {}),
    // 0 or absent: the token does not expire (Mailchimp answers expires_in: 0).
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(now + expiresIn * 1000) : null,
    grantedScopes: splitScopes(json.scope),
  };
}
