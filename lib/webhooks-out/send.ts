// One HTTP attempt of a webhook: POST the signed body, connect only to addresses the URL rules
// allow (the checked addresses are handed to the socket, so DNS cannot change in between), stop
// at the timeout, keep at most 4 KB of the answer. Redirects are not followed blindly: only 307
// and 308 (which keep the POST and its body) are followed, at most three hops, and every hop is
// checked like the endpoint URL itself.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { redactText } from "@/lib/log";
import { parseRetryAfter } from "@/lib/integrations/kit/errors";
import { checkUrlShape, resolveAllowedAddresses, UrlRefusedError, type ResolvedAddress, type Resolver, type UrlPolicy } from "@/lib/http/url-rules";

export const RESPONSE_BODY_LIMIT = 4096;
export const MAX_REDIRECTS = 3;
const FOLLOWED_REDIRECTS = new Set([307, 308]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: UrlPolicy;
  resolver: Resolver;
}

export interface WebhookResponse {
  ok: boolean;
  statusCode?: number;
  /** At most RESPONSE_BODY_LIMIT bytes, credentials masked. */
  responseBody?: string;
  /** Why the attempt failed, in words (absent on success). */
  error?: string;
  /** From Retry-After on a 429 or 503. */
  retryAfterMs?: number;
  durationMs: number;
}

// Reused connections make a burst of deliveries to one receiver cheap.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** A lookup that answers with the addresses already checked, never asking DNS again. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all)
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as unknown as LookupFunction;
}

interface RawAnswer {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function requestOnce(url: URL, addresses: ResolvedAddress[], request: WebhookRequest, signal: AbortSignal): Promise<RawAnswer> {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: "POST",
        agent: agents[url.protocol as "http:" | "https:"],
        lookup: pinnedLookup(addresses),
        signal,
        headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString("utf8") });
        };
        res.on("data", (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
          // Enough read: a receiver streaming megabytes back does not hold the worker.
          if (size >= RESPONSE_BODY_LIMIT) {
            finish();
            res.destroy();
          }
        });
        res.on("end", finish);
        res.on("close", finish);
        res.on("error", (error) => (settled ? undefined : reject(error)));
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as NodeJS.ErrnoException & { cause?: unknown };
  if (e?.name === "AbortError" || e?.name === "TimeoutError") return `Timed out after ${timeoutMs} ms`;
  if (e?.code === "ECONNREFUSED") return "Connection refused (ECONNREFUSED)";
  if (e?.code === "ECONNRESET") return "Connection reset by the receiver (ECONNRESET)";
  const message = e instanceof Error ? e.message : String(error);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

/** Sends one attempt. Never throws: every failure comes back as `{ ok: false, error }`. */
export async function postWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(request.timeoutMs);
  let url: URL;
  try {
    url = checkUrlShape(request.url, request.policy);
  } catch (error) {
    return { ok: false, error: (error as Error).message, durationMs: elapsed() };
  }
  for (let hop = 0; ; hop++) {
    let answer: RawAnswer;
    try {
      const addresses = await resolveAllowedAddresses(url, request.policy, request.resolver);
      answer = await requestOnce(url, addresses, request, signal);
    } catch (error) {
      const refused = error instanceof UrlRefusedError;
      const message = refused ? `Refused: ${error.message}` : describeNetworkError(error, request.timeoutMs);
      return { ok: false, error: hop > 0 ? `After a redirect to ${url.href}: ${message}` : message, durationMs: elapsed() };
    }
    const { statusCode } = answer;
    const responseBody = redactText(answer.body);
    const location = typeof answer.headers.location === "string" ? answer.headers.location : undefined;
    if (REDIRECTS.has(statusCode) && location) {
      let target: URL;
      try {
        target = new URL(location, url);
      } catch {
        return { ok: false, statusCode, responseBody, error: `Redirected (${statusCode}) to an invalid location`, durationMs: elapsed() };
      }
      if (!FOLLOWED_REDIRECTS.has(statusCode)) {
        return {
          ok: false,
          statusCode,
          responseBody,
          error: `Redirected (${statusCode}) to ${target.href}; only 307/308 redirects are followed — point the endpoint at the final URL`,
          durationMs: elapsed(),
        };
      }
      if (hop >= MAX_REDIRECTS) return { ok: false, statusCode, responseBody, error: `More than ${MAX_REDIRECTS} redirects`, durationMs: elapsed() };
      try {
        url = checkUrlShape(target.href, request.policy);
      } catch (error) {
        return { ok: false, statusCode, responseBody, error: `Redirect to ${target.href} refused: ${(error as Error).message}`, durationMs: elapsed() };
      }
      continue;
    }
    const ok = statusCode >= 200 && statusCode < 300;
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(answer.headers["retry-after"] as string | undefined) : undefined;
    return {
      ok,
      statusCode,
      responseBody,
      ...(ok ? {} : { error: `The endpoint answered ${statusCode}` }),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      durationMs: elapsed(),
    };
  }
}
