// The circuit breaker, with its state in the Connection row: opening after the threshold,
// short-circuiting without reaching the provider, and exactly one half-open probe even when
// many callers arrive at once — against a real HTTP server and a real database.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { acquirePermit, breakerStatements } from "@/lib/pipeline/breaker";
import { callProvider, type CallOptions, type CallResult } from "@/lib/pipeline/call";
import { fetchJson, gate, recordingSleep } from "@/tests/integration/pipeline/fake-provider";
import { usePipelineHarness } from "@/tests/integration/pipeline/harness";

const THRESHOLD = 3;
const COOLDOWN = 60_000;

const h = usePipelineHarness({ providerId: "sendgrid", operation: "mail.send", actor: "cron" });
// The breaker's clock, moved by hand: cooldowns pass without waiting.
let clock: Date;

beforeEach(() => {
  clock = new Date("2030-01-01T00:00:00.000Z");
});

function options(extra: CallOptions = {}): CallOptions {
  return {
    db: h.db,
    maxAttempts: 1,
    timeoutMs: 2_000,
    backoffBaseMs: 1,
    jitter: 0,
    failureThreshold: THRESHOLD,
    cooldownMs: COOLDOWN,
    sleep: recordingSleep().sleep,
    now: () => clock,
    ...extra,
  };
}
const call = (extra?: CallOptions) => callProvider(h.ctx, fetchJson(h.provider.url), options(extra));
const connection = () => h.db.connection.findUniqueOrThrow({ where: { id: h.ctx.connectionId! } });
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

async function tripBreaker() {
  h.provider.script({ status: 503 });
  for (let i = 0; i < THRESHOLD; i++) await call();
  expect(await connection()).toMatchObject({ circuitState: "open", consecutiveFailures: THRESHOLD, circuitOpenedAt: clock });
}

describe("opening", () => {
  it("opens after the threshold of consecutive failures and then short-circuits without calling the provider", async () => {
    h.provider.script({ status: 503 });
    for (let i = 1; i < THRESHOLD; i++) await call();
    expect(await connection()).toMatchObject({ circuitState: "closed", consecutiveFailures: THRESHOLD - 1 });
    await call();
    expect(await connection()).toMatchObject({ circuitState: "open", consecutiveFailures: THRESHOLD, circuitOpenedAt: clock });
    expect(h.provider.requests).toBe(THRESHOLD);

    advance(COOLDOWN - 1);
    const results = [await call(), await call()];
    expect(h.provider.requests).toBe(THRESHOLD);
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, gracefulFail: true, category: "transient", attempts: 0 });
      expect(result.ok || result.message).toBe("Circuit open for sendgrid: 3 consecutive failures; next try after 2030-01-01T00:01:00.000Z");
    }
    const rows = await h.db.integrationActivity.findMany({ where: { outcome: "short_circuit" } });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ attempts: 0, errorCategory: "transient", operation: "mail.send", actor: "cron", connectionId: h.ctx.connectionId });
    // Short circuits are not provider calls: usage counters stay.
    expect(await connection()).toMatchObject({ callCount: THRESHOLD, errorCount: THRESHOLD });
  });

  it("counts one failure per call, not per attempt", async () => {
    h.provider.script({ status: 500 });
    await call({ maxAttempts: 3 });
    expect(h.provider.requests).toBe(3);
    expect(await connection()).toMatchObject({ consecutiveFailures: 1, circuitState: "closed" });
  });

  it("counts auth and rate-limit failures, but not validation or permanent ones", async () => {
    h.provider.script({ status: 400 }, { status: 404 }, { status: 422 }, { status: 400 }, { status: 404 });
    for (let i = 0; i < 5; i++) await call();
    expect(await connection()).toMatchObject({ circuitState: "closed", consecutiveFailures: 0, errorCount: 5 });

    h.provider.script({ status: 401 }, { status: 429 }, { status: 400 }, { status: 403 });
    for (let i = 0; i < 4; i++) await call();
    expect(await connection()).toMatchObject({ circuitState: "open", consecutiveFailures: 3 });
  });

  it("a success resets the streak", async () => {
    h.provider.script({ status: 500 }, { status: 500 }, { status: 200 }, { status: 500 }, { status: 500 });
    for (let i = 0; i < 5; i++) await call();
    expect(await connection()).toMatchObject({ circuitState: "closed", consecutiveFailures: 2 });
  });

  it("opens once under concurrent failures (openedAt is not pushed forward by late failures)", async () => {
    h.provider.script({ status: 500 });
    await Promise.all(Array.from({ length: 6 }, () => call()));
    const opened = await connection();
    expect(opened).toMatchObject({ circuitState: "open", consecutiveFailures: 6, circuitOpenedAt: clock });
    advance(10);
    // A failure that was already in flight when the circuit opened.
    await h.db.$transaction(
      breakerStatements(h.db, h.ctx.connectionId!, { success: false, counted: true, probe: false }, { failureThreshold: THRESHOLD, cooldownMs: COOLDOWN }, clock),
    );
    expect((await connection()).circuitOpenedAt).toEqual(opened.circuitOpenedAt);
  });

  it("leaves calls without a connection alone", async () => {
    h.provider.script({ status: 500 });
    for (let i = 0; i < THRESHOLD + 2; i++) await callProvider({ ...h.ctx, connectionId: null }, fetchJson(h.provider.url), options());
    expect(h.provider.requests).toBe(THRESHOLD + 2);
  });
});

describe("half-open probe", () => {
  it("lets exactly one of many concurrent callers probe after the cooldown", async () => {
    await tripBreaker();
    const before = h.provider.requests;
    advance(COOLDOWN);
    // The probe's answer waits until every other caller has finished, so none of them can slip
    // through after the probe closes the circuit.
    const hold = gate();
    h.provider.script({ gate: hold.promise, reply: { status: 200, body: { ok: true } } });
    let settled = 0;
    const calls = Array.from({ length: 10 }, () =>
      call().then((r) => {
        settled += 1;
        return r;
      }),
    );
    await vi.waitFor(() => expect(settled).toBe(9), { timeout: 10_000, interval: 5 });
    expect(h.provider.requests - before).toBe(1);
    hold.release();
    const results: CallResult<unknown>[] = await Promise.all(calls);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.attempts === 0)).toHaveLength(9);
    expect(h.provider.requests - before).toBe(1);
    expect(await connection()).toMatchObject({ circuitState: "closed", consecutiveFailures: 0, circuitOpenedAt: null });
    expect(await h.db.integrationActivity.count({ where: { outcome: "short_circuit" } })).toBe(9);
  });

  it("grants the probe to exactly one of many concurrent acquirers", async () => {
    await tripBreaker();
    advance(COOLDOWN);
    const settings = { failureThreshold: THRESHOLD, cooldownMs: COOLDOWN };
    const decisions = await Promise.all(Array.from({ length: 10 }, () => acquirePermit(h.db, h.ctx.connectionId!, settings, clock)));
    expect(decisions.filter((d) => d.allowed && d.probe)).toHaveLength(1);
    expect(decisions.filter((d) => !d.allowed)).toHaveLength(9);
    expect(await connection()).toMatchObject({ circuitState: "half_open", circuitOpenedAt: clock });
  });

  it("a successful probe closes the circuit and calls flow again", async () => {
    await tripBreaker();
    advance(COOLDOWN);
    h.provider.script({ status: 200 });
    expect(await call()).toMatchObject({ ok: true, attempts: 1 });
    expect(await connection()).toMatchObject({ circuitState: "closed", consecutiveFailures: 0, circuitOpenedAt: null });
    const before = h.provider.requests;
    await call();
    await call();
    expect(h.provider.requests - before).toBe(2);
  });

  it("a failed probe re-opens the circuit with a fresh cooldown", async () => {
    await tripBreaker();
    advance(COOLDOWN + 5);
    const probeAt = clock;
    const before = h.provider.requests;
    // One request only, even though the call would otherwise retry.
    expect(await call({ maxAttempts: 3 })).toMatchObject({ ok: false, category: "transient", attempts: 1 });
    expect(h.provider.requests - before).toBe(1);
    expect(await connection()).toMatchObject({ circuitState: "open", circuitOpenedAt: probeAt, consecutiveFailures: THRESHOLD + 1 });

    advance(COOLDOWN - 1);
    expect(await call()).toMatchObject({ ok: false, attempts: 0 });
    expect(h.provider.requests - before).toBe(1);

    advance(1);
    h.provider.script({ status: 200 });
    expect(await call()).toMatchObject({ ok: true });
    expect(h.provider.requests - before).toBe(2);
    expect((await connection()).circuitState).toBe("closed");
  });

  it("a probe that gets a validation answer shows the provider is reachable and closes the circuit", async () => {
    await tripBreaker();
    advance(COOLDOWN);
    h.provider.script({ status: 422 });
    expect(await call()).toMatchObject({ ok: false, category: "validation" });
    expect(await connection()).toMatchObject({ circuitState: "closed", consecutiveFailures: 0 });
  });

  it("while a probe is in flight others are refused; a probe abandoned past its lease can be taken over", async () => {
    await tripBreaker();
    advance(COOLDOWN);
    const settings = { failureThreshold: THRESHOLD, cooldownMs: COOLDOWN };
    expect(await acquirePermit(h.db, h.ctx.connectionId!, settings, clock)).toEqual({ allowed: true, probe: true });
    // The prober's process dies here and never reports back.
    advance(COOLDOWN - 1);
    expect(await acquirePermit(h.db, h.ctx.connectionId!, settings, clock)).toMatchObject({ allowed: false, state: "half_open" });
    advance(1);
    h.provider.script({ status: 200 });
    expect(await call()).toMatchObject({ ok: true, attempts: 1 });
    expect((await connection()).circuitState).toBe("closed");
  });

  it("an ordinary success that was in flight does not close an open circuit", async () => {
    await tripBreaker();
    await h.db.$transaction(
      breakerStatements(h.db, h.ctx.connectionId!, { success: true, counted: false, probe: false }, { failureThreshold: THRESHOLD, cooldownMs: COOLDOWN }, clock),
    );
    expect(await connection()).toMatchObject({ circuitState: "open", consecutiveFailures: THRESHOLD });
  });
});
