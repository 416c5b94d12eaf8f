// A real HTTP server on 127.0.0.1 that plays a provider: it answers from a script (500 twice then
// 200, 429 with Retry-After, 401, hang…) and counts the requests that actually reached it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ProviderError, categoryForStatus, parseRetryAfter } from "@/lib/integrations/kit/errors";

export type Reply =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answer (until the server closes). */
  | { hang: true }
  /** Answer `reply` only once `release()` has been called. */
  | { gate: Promise<void>; reply: { status: number; body?: unknown } };

export interface FakeProvider {
  url: string;
  /** Requests that reached the server. */
  readonly requests: number;
  /** Replies for the next requests, in order; the last one repeats once the script runs out. */
  script(...replies: Reply[]): void;
  /** Back to answering 200 with a zero request count (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  let queue: Reply[] = [{ status: 200, body: { ok: true } }];
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
    req.resume();
    if ("hang" in reply) return;
    const send = (r: { status: number; headers?: Record<string, string>; body?: unknown }) => {
      res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
      res.end(JSON.stringify(r.body ?? {}));
    };
    if ("gate" in reply) void reply.gate.then(() => send(reply.reply));
    else send(reply);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/thing`,
    get requests() {
      return requests;
    },
    script(...replies: Reply[]) {
      queue = replies;
    },
    reset() {
      queue = [{ status: 200, body: { ok: true } }];
      requests = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * What a provider adapter does: fetch with the pipeline's signal and turn a non-2xx answer into a
 * ProviderError (message from the provider's JSON body, category from the status, Retry-After).
 */
export function fetchJson(url: string) {
  return async (signal: AbortSignal): Promise<unknown> => {
    const res = await fetch(url, { signal });
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!res.ok) {
      throw new ProviderError(body.error?.message ?? `HTTP ${res.status}`, {
        category: categoryForStatus(res.status),
        statusCode: res.status,
        retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
      });
    }
    return body;
  };
}

/** Records the delays the pipeline asked to sleep, without sleeping. */
export function recordingSleep() {
  const calls: number[] = [];
  const sleep = async (ms: number) => {
    calls.push(ms);
  };
  return { calls, sleep };
}

export function gate() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}
