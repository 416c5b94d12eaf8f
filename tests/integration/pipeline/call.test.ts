// callProvider against a real local HTTP server and a real database (PostgreSQL and PGlite):
// retries, timeouts, classification, the activity row and the connection's counters and health.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { logger } from "@/lib/log";
import { CallTimeoutError, callProvider, unwrap, type CallOptions } from "@/lib/pipeline/call";
import { ProviderError } from "@/lib/integrations/kit/errors";
import { fetchJson, recordingSleep } from "@/tests/integration/pipeline/fake-provider";
import { usePipelineHarness } from "@/tests/integration/pipeline/harness";

const h = usePipelineHarness({ providerId: "stripe", operation: "balance.retrieve", actor: "user:ada@example.test" });

/** Tiny, deterministic settings: no real sleeping, jitter pinned to the centre, a large threshold. */
function opts(extra: CallOptions = {}) {
  const rec = recordingSleep();
  const options: CallOptions = {
    db: h.db,
    maxAttempts: 3,
    backoffBaseMs: 1,
    backoffCapMs: 60_000,
    jitter: 0.3,
    random: () => 0.5,
    timeoutMs: 2_000,
    failureThreshold: 100,
    sleep: rec.sleep,
    ...extra,
  };
  return { options, sleeps: rec.calls };
}
const connection = () => h.db.connection.findUniqueOrThrow({ where: { id: h.ctx.connectionId! } });
const activities = () => h.db.integrationActivity.findMany({ orderBy: { createdAt: "asc" } });

describe("retries", () => {
  it("retries transient failures with growing backoff and returns the eventual success", async () => {
    h.provider.script({ status: 500 }, { status: 503 }, { status: 200, body: { balance: 42 } });
    const { options, sleeps } = opts({ backoffBaseMs: 5 });
    const result = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(result).toMatchObject({ ok: true, value: { balance: 42 }, attempts: 3 });
    expect(h.provider.requests).toBe(3);
    expect(sleeps).toEqual([5, 10]);
    const [row, ...rest] = await activities();
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      outcome: "success",
      attempts: 3,
      errorCategory: null,
      message: null,
      operation: "balance.retrieve",
      actor: "user:ada@example.test",
      connectionId: h.ctx.connectionId,
    });
    expect(row!.durationMs).toBe(result.durationMs);
    expect(await connection()).toMatchObject({ callCount: 1, errorCount: 0, lastError: null });
  });

  it("gives up after maxAttempts and reports the last failure gracefully", async () => {
    h.provider.script({ status: 502, body: { error: { message: "Bad gateway" } } });
    const { options, sleeps } = opts({ maxAttempts: 4 });
    const result = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(result).toEqual({ ok: false, gracefulFail: true, category: "transient", statusCode: 502, message: "Bad gateway", attempts: 4, durationMs: expect.any(Number) });
    expect(h.provider.requests).toBe(4);
    expect(sleeps).toEqual([1, 2, 4]);
    expect(await activities()).toEqual([expect.objectContaining({ outcome: "failure", errorCategory: "transient", attempts: 4, statusCode: 502, message: "Bad gateway" })]);
    expect(await connection()).toMatchObject({ callCount: 1, errorCount: 1, lastError: "Bad gateway", lastErrorCategory: "transient", status: "connected", needsReauth: false });
  });

  it.each([
    [400, "validation"],
    [422, "validation"],
    [404, "permanent"],
    [401, "auth"],
    [403, "auth"],
  ] as const)("does not retry a %i (%s)", async (status, category) => {
    h.provider.script({ status, body: { error: { message: `HTTP ${status} from provider` } } });
    const { options, sleeps } = opts();
    const result = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(result).toMatchObject({ ok: false, category, statusCode: status, attempts: 1 });
    expect(h.provider.requests).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("honours Retry-After on a 429 instead of its own backoff", async () => {
    h.provider.script({ status: 429, headers: { "retry-after": "1" } }, { status: 200, body: { ok: 1 } });
    const { options, sleeps } = opts({ backoffBaseMs: 7 });
    const result = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([1000]);
    expect(h.provider.requests).toBe(2);
  });

  it("caps a long Retry-After at the backoff cap, and falls back to backoff without one", async () => {
    h.provider.script({ status: 429, headers: { "retry-after": "3600" } }, { status: 429 }, { status: 200 });
    const { options, sleeps } = opts({ backoffBaseMs: 4, backoffCapMs: 50 });
    expect(await callProvider(h.ctx, fetchJson(h.provider.url), options)).toMatchObject({ ok: true, attempts: 3 });
    expect(sleeps).toEqual([50, 8]);
  });

  it("classifies errors fn does not map itself: a refused connection is transient and retried", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const { options } = opts({ maxAttempts: 2 });
    const result = await callProvider(h.ctx, (signal) => fetch(`http://127.0.0.1:${port}/`, { signal }), options);
    expect(result).toMatchObject({ ok: false, category: "transient", attempts: 2 });
    expect(result.ok || result.message).toMatch(/ECONNREFUSED/);
  });

  it("uses the adapter's classify when given", async () => {
    h.provider.script({ status: 500 });
    const { options } = opts({ classify: () => new ProviderError("Odoo said no", { category: "validation", statusCode: 200 }) });
    const result = await callProvider(
      h.ctx,
      async (signal) => {
        const res = await fetch(h.provider.url, { signal });
        throw Object.assign(new Error("raw"), { status: res.status });
      },
      options,
    );
    expect(result).toMatchObject({ ok: false, category: "validation", message: "Odoo said no", attempts: 1 });
  });
});

describe("timeouts", () => {
  it("aborts a hanging request, counts it as transient and retries it", async () => {
    h.provider.script({ hang: true });
    const { options, sleeps } = opts({ timeoutMs: 30, maxAttempts: 2 });
    const result = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(result).toMatchObject({ ok: false, category: "transient", message: "Timed out after 30 ms", attempts: 2 });
    expect(h.provider.requests).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(await connection()).toMatchObject({ lastErrorCategory: "transient", errorCount: 1 });
  });

  it("times out a fn that ignores its signal, and still aborts that signal", async () => {
    const signals: AbortSignal[] = [];
    const { options } = opts({ timeoutMs: 10, maxAttempts: 1 });
    const result = await callProvider(
      h.ctx,
      (signal) => {
        signals.push(signal);
        return new Promise<never>(() => {});
      },
      options,
    );
    expect(result).toMatchObject({ ok: false, category: "transient", attempts: 1 });
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(CallTimeoutError);
  });
});

describe("connection health", () => {
  it("marks the connection for re-authorisation on an auth failure, and a later success does not hide it", async () => {
    h.provider.script({ status: 401, body: { error: { message: "Invalid API Key provided" } } });
    const { options } = opts();
    expect(await callProvider(h.ctx, fetchJson(h.provider.url), options)).toMatchObject({ ok: false, category: "auth", statusCode: 401 });
    expect(await connection()).toMatchObject({ status: "error", needsReauth: true, lastErrorCategory: "auth", lastError: "Invalid API Key provided", errorCount: 1 });

    h.provider.script({ status: 200 });
    expect(await callProvider(h.ctx, fetchJson(h.provider.url), options)).toMatchObject({ ok: true });
    expect(await connection()).toMatchObject({ status: "error", needsReauth: true, lastErrorCategory: "auth", lastError: "Invalid API Key provided", callCount: 2, errorCount: 1 });
  });

  it("heals an error status caused by a transient failure on the next success", async () => {
    await h.db.connection.update({ where: { id: h.ctx.connectionId! }, data: { status: "error", lastError: "timeout", lastErrorCategory: "transient" } });
    const { options } = opts();
    expect(await callProvider(h.ctx, fetchJson(h.provider.url), options)).toMatchObject({ ok: true });
    expect(await connection()).toMatchObject({ status: "connected", lastError: null, lastErrorCategory: null });
  });

  it("leaves an error status of another cause, and a disconnected connection, as they are (but clears the stale error)", async () => {
    await h.db.connection.update({ where: { id: h.ctx.connectionId! }, data: { status: "error", lastError: "bad field", lastErrorCategory: "validation" } });
    const { options } = opts();
    await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(await connection()).toMatchObject({ status: "error", lastError: null });

    await h.db.connection.update({ where: { id: h.ctx.connectionId! }, data: { status: "disconnected", lastError: "x", lastErrorCategory: "transient" } });
    await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(await connection()).toMatchObject({ status: "disconnected", lastError: null });

    h.provider.script({ status: 401 });
    await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect((await connection()).status).toBe("disconnected");
  });

  it("counts calls and errors and stamps lastCallAt", async () => {
    const at = new Date("2031-05-06T07:08:09.010Z");
    const { options } = opts({ now: () => at });
    h.provider.script({ status: 200 });
    await callProvider(h.ctx, fetchJson(h.provider.url), options);
    await callProvider(h.ctx, fetchJson(h.provider.url), options);
    h.provider.script({ status: 400 });
    await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(await connection()).toMatchObject({ callCount: 3, errorCount: 1, lastCallAt: at, lastErrorCategory: "validation" });
    expect(await h.db.integrationActivity.count()).toBe(3);
  });

  it("counts concurrent calls without losing updates", async () => {
    const { options } = opts();
    h.provider.script({ status: 500 });
    await Promise.all(Array.from({ length: 8 }, () => callProvider(h.ctx, fetchJson(h.provider.url), { ...options, maxAttempts: 1 })));
    expect(await connection()).toMatchObject({ callCount: 8, errorCount: 8, consecutiveFailures: 8 });
  });
});

describe("activity log", () => {
  it("stores one row per call with redacted, bounded messages", async () => {
    h.provider.script({ status: 400, body: { error: { message: "Invalid API Key provided: sk_test_abc123456789 is not valid" } } });
    const { options } = opts();
    const result = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    expect(result).toMatchObject({ ok: false, message: "Invalid API Key provided: [redacted] is not valid" });
    const [row] = await activities();
    expect(row!.message).toBe("Invalid API Key provided: [redacted] is not valid");
    expect((await connection()).lastError).toBe("Invalid API Key provided: [redacted] is not valid");
    const everything = JSON.stringify({ rows: await activities(), connection: await connection() });
    expect(everything).not.toContain("sk_test_abc123456789");

    await h.db.integrationActivity.deleteMany();
    h.provider.script({ status: 422, body: { error: { message: "x".repeat(2000) } } });
    const long = await callProvider({ ...h.ctx, connectionId: null }, fetchJson(h.provider.url), options);
    expect(long.ok || long.message.length).toBe(500);
    expect((await activities())[0]!.message).toHaveLength(500);
  });

  it("records calls without a connection, touching no connection", async () => {
    const { options } = opts();
    const result = await callProvider({ ...h.ctx, connectionId: null, operation: "key.test" }, fetchJson(h.provider.url), options);
    expect(result.ok).toBe(true);
    expect(await activities()).toEqual([expect.objectContaining({ connectionId: null, providerId: "stripe", operation: "key.test", outcome: "success", attempts: 1 })]);
    expect(await connection()).toMatchObject({ callCount: 0 });
  });

  it("returns the value even if recording fails (the provider call already happened)", async () => {
    const logged = vi.spyOn(logger, "error").mockImplementation(() => {});
    try {
      const { options } = opts();
      const result = await callProvider({ ...h.ctx, workspaceId: "no-such-workspace", connectionId: null }, fetchJson(h.provider.url), options);
      expect(result).toMatchObject({ ok: true, value: { ok: true } });
      expect(await h.db.integrationActivity.count()).toBe(0);
      expect(logged).toHaveBeenCalledWith("could not record provider call", expect.anything());
    } finally {
      logged.mockRestore();
    }
  });
});

describe("unwrap", () => {
  it("returns the value or throws a ProviderError with the category", async () => {
    const { options } = opts();
    expect(unwrap(await callProvider(h.ctx, fetchJson(h.provider.url), options))).toEqual({ ok: true });
    h.provider.script({ status: 409, body: { error: { message: "Conflict" } } });
    const failed = await callProvider(h.ctx, fetchJson(h.provider.url), options);
    let thrown: unknown;
    try {
      unwrap(failed);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({ category: "validation", statusCode: 409, message: "Conflict" });
  });
});
