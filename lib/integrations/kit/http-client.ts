// Small requests to providers (OAuth token, revoke and identity endpoints) over node:http(s) on
// process-wide keep-alive agents. A refresh run sends thousands of these: fetch costs several
// times the CPU of node:http per request (WHATWG streams, Headers, signal plumbing), and a new
// TCP (and TLS) connection per request would cost more than the request itself.
import http from "node:http";
import https from "node:https";

/**
 * Reused connections for every request made through this module. An idle connection is closed after 5 s (sooner when the server announces a shorter
 * Keep-Alive timeout), as by Node's global agent, so that none is reused just as the server drops it.
 */
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: 5_000 }),
  "https:": new https.Agent({ keepAlive: true, timeout: 5_000 }),
};

export interface HttpAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/** Sent unless the caller names itself: fetch sent one too, and some gateways refuse requests without. */
const USER_AGENT = "Plugboard";

/** Token and identity answers are a few kilobytes; anything near this is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * One request, the whole answer read as text. Rejects on network failure (Node's error codes:
 * ECONNREFUSED, ECONNRESET…), and when `signal` aborts (its reason, an AbortError by default),
 * like fetch; redirects are not followed.
 */
export function httpRequest(url: string, options: { method: "GET" | "POST"; headers?: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<HttpAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    return Promise.reject(error);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return Promise.reject(new Error(`Unsupported URL scheme ${target.protocol}`));
  const agent = agents[target.protocol];
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const body = options.body === undefined ? undefined : Buffer.from(options.body, "utf8");
  const headers: Record<string, string> = { "user-agent": USER_AGENT, ...options.headers };
  if (body) headers["content-length"] = String(body.length);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = (target.protocol === "https:" ? https : http).request(target, { method: options.method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) return void chunks.push(chunk);
        fail(new Error(`The answer from ${target.host} exceeds ${MAX_ANSWER_BYTES} bytes`));
        request.destroy();
      });
      response.on("end", () => {
        finish();
        const answerHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
        resolve({ status: response.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(chunks).toString("utf8") });
      });
      // The connection dropped, or was destroyed (abort, size), before the answer was complete.
      response.on("error", fail);
      response.on("close", () => {
        if (!response.complete) fail(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
      });
    });
    const abort = () => {
      fail(signal!.reason as Error);
      request.destroy();
    };
    function finish() {
      signal?.removeEventListener("abort", abort);
    }
    function fail(error: Error) {
      finish();
      reject(error);
    }
    signal?.addEventListener("abort", abort, { once: true });
    request.on("error", fail);
    request.end(body);
  });
}
