// Microsoft Graph over plain fetch, against the configured base URL (MICROSOFT_GRAPH_API_BASE).
// Errors arrive as `{"error": {"code", "message"}}`; 429 and 503 carry Retry-After (seconds).
import { endpointUrl } from "@/lib/integrations/kit/endpoints";
import { outlookCalendarManifest } from "@/lib/integrations/outlook-calendar/manifest";
import { ACCESS_DENIED_CODES, missingPermissionMessage, type GraphOperation } from "@/lib/integrations/outlook-calendar/permissions";
import { categoryForStatus, classifyError as classifyGeneric, parseRetryAfter, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";

const NAME = "Microsoft Graph";

export function graphBase(): string {
  return endpointUrl(outlookCalendarManifest.api.graph!);
}

/** A failed Graph answer, with what the classifier needs. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    readonly retryAfter: string | undefined,
    /** What was being done, so a 403 for a missing permission can name it. */
    readonly operation?: GraphOperation,
  ) {
    super(message);
    this.name = "GraphError";
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;

function graphErrorBody(body: unknown): { code?: string; message?: string } {
  const error = isObj(body) && isObj(body.error) ? body.error : undefined;
  if (!error) return {};
  return { code: typeof error.code === "string" ? error.code : undefined, message: typeof error.message === "string" ? error.message : undefined };
}

/**
 * Category and message for a failed Graph answer (whole request or one $batch item). With the
 * operation that was attempted, a 403 for a permission the grant lacks names the permission.
 */
export function graphFailure(
  status: number,
  body: unknown,
  retryAfter?: string | null,
  operation?: GraphOperation,
): { category: ErrorCategory; message: string; retryAfterMs?: number; code?: string } {
  const { code, message } = graphErrorBody(body);
  if (status === 403 && operation && code && ACCESS_DENIED_CODES.has(code)) return { category: "auth", message: missingPermissionMessage(operation), code };
  let category = categoryForStatus(status);
  if (status === 404 || status === 410) category = "permanent";
  // 424 Failed Dependency: a $batch request not run because one it depends on failed (throttled,
  // say); on its own, later, it may well succeed.
  if (status === 424) category = "transient";
  const said = message?.replace(/\.+$/, "") || `HTTP ${status}`;
  const text =
    category === "auth"
      ? `${NAME} refused the authorisation${code ? ` (${code})` : ""}: ${said}. Reconnect Outlook Calendar.`
      : category === "rate_limit"
        ? `${NAME} is throttling requests: ${said}`
        : `${NAME} answered ${status}${code ? ` (${code})` : ""}: ${said}`;
  const retryAfterMs = parseRetryAfter(retryAfter ?? undefined);
  return { category, message: text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(code ? { code } : {}) };
}

export function classifyGraphError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof GraphError) {
    const failure = graphFailure(error.status, { error: { code: error.code, message: error.message } }, error.retryAfter, error.operation);
    return new ProviderError(failure.message, { category: failure.category, statusCode: error.status, retryAfterMs: failure.retryAfterMs, providerCode: error.code, cause: error });
  }
  const generic = classifyGeneric(error);
  if (generic.category === "transient" && generic.statusCode === undefined) {
    return new ProviderError(`Could not reach ${NAME}: ${generic.message}`, { category: "transient", providerCode: generic.providerCode, cause: error });
  }
  return generic;
}

export interface GraphRequest {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** A path under the base URL ("/me/events"), or a nextLink/deltaLink Graph handed out. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** What the request does (names the missing permission when Graph refuses it). */
  operation?: GraphOperation;
}

/**
 * The absolute URL for a path or a link Graph returned. Links must point under the configured
 * base URL: the bearer token is never sent to any other host.
 */
export function graphUrl(pathOrLink: string): string {
  const base = graphBase();
  if (/^https?:\/\//i.test(pathOrLink)) {
    if (!pathOrLink.startsWith(`${base}/`)) throw new ProviderError(`${NAME} returned a link outside ${base}; refusing to follow it`, { category: "permanent" });
    return pathOrLink;
  }
  return `${base}${pathOrLink.startsWith("/") ? "" : "/"}${pathOrLink}`;
}

/** One Graph request with the bearer token; JSON in and out. Throws GraphError for a failed answer. */
export async function graphFetch<T = unknown>(accessToken: string, request: GraphRequest): Promise<{ status: number; body: T }> {
  const response = await fetch(graphUrl(request.path), {
    method: request.method ?? "GET",
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/json",
      ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
      ...request.headers,
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: request.signal,
  });
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) {
    const { code, message } = graphErrorBody(body);
    throw new GraphError(response.status, message ?? `HTTP ${response.status}`, code, response.headers.get("retry-after") ?? undefined, request.operation);
  }
  return { status: response.status, body: body as T };
}
