// The kit's HTTP client for OAuth token, revoke and identity requests: the whole answer with its
// status and headers, one kept-alive connection for consecutive requests, and failures (abort,
// refused, dropped, oversized) in the shapes the error classifier knows.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError } from "@/lib/integrations/kit/errors";
import { httpRequest } from "@/lib/integrations/kit/http-client";

const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, close };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

/** Resolves when the server has received a request (and left it unanswered, or half answered). */
function arrival(): { arrived: () => void; received: Promise<void> } {
  let arrived!: () => void;
  const received = new Promise<void>((resolve) => (arrived = resolve));
  return { arrived, received };
}

describe("the kit's HTTP client", () => {
  it("sends the form, reads the whole answer with status and headers, and keeps one connection for consecutive requests", async () => {
    const seen: string[] = [];
    const server = await serve((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${req.headers["user-agent"]} ${req.headers["content-type"]} ${req.headers["content-length"]} ${body}`);
        res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
        res.end(JSON.stringify({ error: "slow_down", n: seen.length, note: "é" }));
      });
    });
    for (let n = 1; n <= 3; n++) {
      const answer = await httpRequest(`${server.url}/token?tenant=common`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=refresh_token&refresh_token=r%C3%A9",
      });
      expect(answer.status).toBe(429);
      expect(JSON.parse(answer.body)).toEqual({ error: "slow_down", n, note: "é" });
      expect(answer.headers["retry-after"]).toBe("7");
      expect(answer.headers["set-cookie"]).toBe("a=1, b=2");
    }
    const body = "grant_type=refresh_token&refresh_token=r%C3%A9";
    expect(seen).toEqual(Array(3).fill(`POST /token?tenant=common Plugboard application/x-www-form-urlencoded ${body.length} ${body}`));
    expect(server.connections()).toBe(1);
  });

  it("rejects with the signal's reason when aborted mid-answer, and sends nothing on an aborted signal", async () => {
    const { arrived, received } = arrival();
    let requests = 0;
    const server = await serve((_req, res) => {
      requests++;
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"access_token":');
      arrived();
    });
    const controller = new AbortController();
    const pending = httpRequest(server.url, { method: "GET", signal: controller.signal });
    await received;
    controller.abort();
    const error = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBe(controller.signal.reason);
    expect(classifyError(error).category).toBe("transient");

    const reason = new DOMException("The operation timed out", "TimeoutError");
    await expect(httpRequest(server.url, { method: "GET", signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(requests).toBe(1);
  });

  it("rejects a refused connection and a dropped one with Node's codes, which the classifier calls transient", async () => {
    const refused = await serve(() => {});
    await refused.close();
    const refusal = await httpRequest(refused.url, { method: "GET" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toMatchObject({ code: "ECONNREFUSED" });
    expect(classifyError(refusal).category).toBe("transient");

    const dropping = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"access_token":');
      res.socket!.destroy();
    });
    const drop = await httpRequest(dropping.url, { method: "GET" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(drop).toMatchObject({ code: "ECONNRESET" });
    expect(classifyError(drop).category).toBe("transient");
  });

  it("refuses an answer over a megabyte, and URLs that are not http(s)", async () => {
    const server = await serve((_req, res) => res.end("x".repeat(1024 * 1024 + 1)));
    await expect(httpRequest(server.url, { method: "GET" })).rejects.toThrow(/exceeds 1048576 bytes/);
    await expect(httpRequest("ftp://127.0.0.1/token", { method: "GET" })).rejects.toThrow("Unsupported URL scheme ftp:");
    await expect(httpRequest("not a url", { method: "GET" })).rejects.toThrow();
  });
});
