// Shared plumbing for the fake provider servers: a node:http server on 127.0.0.1 (port 0 unless
// given), a log of every request, and a queue of injected failures.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface InjectedFailure {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Replaces the provider's default error body for this status. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeServerBase {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** The next `count` requests (default 1) fail with this status before normal handling. */
  failNext(failure: InjectedFailure, count?: number): void;
  /** Every request fails with this (an outage) until called with null; queued failNext ones wait meanwhile. */
  failAll(failure: InjectedFailure | null): void;
  /** Delay every answer by this many ms (for timeout tests); 0 turns it off. */
  setDelay(ms: number): void;
  /** Forget recorded requests, queued failures, an outage and the delay. */
  reset(): void;
  close(): Promise<void>;
}

export type Handler = (req: RecordedRequest, res: http.ServerResponse) => void;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

export async function startFakeServer(
  options: { port?: number; onFailure: (req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) => void },
  handler: Handler,
): Promise<FakeServerBase> {
  const requests: RecordedRequest[] = [];
  let failures: InjectedFailure[] = [];
  let outage: InjectedFailure | null = null;
  let delayMs = 0;
  const server = http.createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://fake.local");
      const req: RecordedRequest = {
        method: (incoming.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      requests.push(req);
      const respond = () => {
        const failure = outage ?? failures.shift();
        if (failure) return options.onFailure(req, res, failure);
        try {
          handler(req, res);
        } catch (error) {
          sendJson(res, 500, { fakeServerError: String(error) });
        }
      };
      if (delayMs > 0) setTimeout(respond, delayMs);
      else respond();
    });
  });
  // Connections kept for 5 s (Node's default), as a provider's would be. Clients drop a connection
  // before the timeout the server announces, by a second at least (Node's agent, undici), so a
  // shorter one would make every request open a new connection. close() ends them all.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    failAll(failure) {
      outage = failure;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    reset() {
      requests.length = 0;
      failures = [];
      outage = null;
      delayMs = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The credential from `Authorization: Bearer x` or `Basic base64(x:)`. */
export function credentialFrom(headers: http.IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (!auth) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (basic) return Buffer.from(basic[1]!, "base64").toString("utf8").split(":")[0];
  return undefined;
}

export function requestId(prefix = "req_"): string {
  return prefix + Math.random().toString(36).slice(2, 16).padEnd(14, "0");
}

/** One API call as a fake sees it (a whole request, or one part of a batch request). */
export interface CallInfo {
  method: string;
  path: string;
  body: unknown;
}

/**
 * Failures injected into single API calls — inside batch requests too, where they fail one part
 * and not the request — each for the next `count` calls it matches.
 */
export class CallFailureQueue<F extends { match?: (call: CallInfo) => boolean }> {
  private entries: { failure: F; remaining: number }[] = [];

  add(failure: F, count = 1): void {
    this.entries.push({ failure, remaining: count });
  }

  /** The failure queued for this call, if any (used up as it is returned). */
  take(call: CallInfo): F | undefined {
    const index = this.entries.findIndex((e) => !e.failure.match || e.failure.match(call));
    if (index === -1) return undefined;
    const entry = this.entries[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.splice(index, 1);
    return entry.failure;
  }

  clear(): void {
    this.entries = [];
  }
}
