// The health-check job on the real database: a snapshot per connection every run, alerts (events
// and one email per admin, in the admin's language) only when an integration turns unhealthy or
// recovers — not on every run, not twice when two runs overlap — and a live test of connected
// integrations that had no traffic, against the fake Stripe and the fake OAuth providers.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SendEmailResult, TemplateEmail } from "@/lib/email";
import type { CallOutcome } from "@/lib/generated/prisma/enums";
import { HEALTH_CHECK_ACTOR, runHealthCheck, type AlertNotifier, type HealthCheckOptions } from "@/lib/health/check";
import type { ConnectionProbe } from "@/lib/health/probe";
import { connectApiKey, disconnect, testConnection } from "@/lib/connections/api-key";
import { STRIPE_KEYS } from "@/tests/fakes/serve";
import { storedTokens } from "@/tests/helpers/oauth";
import { colleague, signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { connectThroughFake } from "@/tests/integration/oauth/helpers";

// Observe the events the job raises (they still go through the real emitEvent).
const raised = vi.hoisted(() => [] as { type: string; data: Record<string, unknown>; client: unknown }[]);
vi.mock("@/lib/events", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/events")>();
  return {
    ...real,
    emitEvent: async (db: Parameters<typeof real.emitEvent>[0], event: Parameters<typeof real.emitEvent>[1]) => {
      raised.push({ type: event.type, data: event.data, client: db });
      return real.emitEvent(db, event);
    },
  };
});

const h = useHarness();
beforeEach(() => {
  raised.length = 0;
});

/** Records the alert emails instead of sending them (sendTemplateEmail is the default). */
function recorder(result: SendEmailResult = { ok: true, provider: "sendgrid" }) {
  const sent: { workspaceId: string; email: TemplateEmail }[] = [];
  const notify: AlertNotifier = async (workspaceId, email) => {
    sent.push({ workspaceId, email });
    return result;
  };
  return { sent, notify };
}

const noProbe: ConnectionProbe = async () => ({ tested: false, reason: "not in this test" });
const T0 = Date.parse("2026-11-21T12:00:00.000Z");
const clock = (ms: number) => () => new Date(T0 + ms);
const HOUR = 3_600_000;

async function setup() {
  const admin = await signedIn(h.t.db, "admin", "Acme");
  const german = await colleague(h.t.db, admin, "admin");
  await h.t.db.user.update({ where: { id: german.userId }, data: { language: "de", name: "Grete" } });
  await colleague(h.t.db, admin, "viewer");
  const connection = await h.t.db.connection.create({ data: { workspaceId: admin.workspaceId, providerId: "stripe", authType: "api_key", status: "connected" } });
  return { admin, german, connection };
}

/** `n` calls of one outcome, spread over the ten minutes before `endMs`. */
async function calls(c: { id: string; workspaceId: string }, n: number, outcome: CallOutcome, endMs: number) {
  await h.t.db.integrationActivity.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      workspaceId: c.workspaceId,
      connectionId: c.id,
      providerId: "stripe",
      operation: "balance.retrieve",
      outcome,
      errorCategory: outcome === "failure" ? ("transient" as const) : null,
      durationMs: 120,
      actor: "test",
      createdAt: new Date(T0 + endMs - 600_000 + (i * 600_000) / n),
    })),
  });
}

describe("alerts", () => {
  it("alerts once when an integration turns unhealthy, again when it recovers — not on every run", async () => {
    const { admin, german, connection } = await setup();
    const mail = recorder();
    const run = (ms: number) => runHealthCheck(h.t.db, { now: clock(ms), notify: mail.notify, probe: noProbe } satisfies HealthCheckOptions);

    // 8 successes, then 6 failures: 42.9 % errors and 6 in a row.
    await calls(connection, 8, "success", -20 * 60_000);
    await calls(connection, 6, "failure", 0);
    const first = await run(0);
    expect(first).toMatchObject({ connections: 1, unhealthy: 1, emails: { sent: 2, failed: 0 } });
    expect(first.alerts).toEqual([
      { workspaceId: admin.workspaceId, connectionId: connection.id, providerId: "stripe", kind: "unhealthy", reasons: ["High error rate: 42.9%", "6 consecutive failures"] },
    ]);
    expect(mail.sent.map((m) => [m.workspaceId, m.email.to, m.email.language, m.email.template])).toEqual(
      [
        [admin.workspaceId, admin.email, "en", "integration_alert"],
        [admin.workspaceId, german.email, "de", "integration_alert"],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    const english = mail.sent.find((m) => m.email.language === "en")!.email;
    // The values the integration_alert template takes: integration, status [reasons, dashboard_url, name].
    expect(english.values).toEqual({
      integration: "Stripe",
      status: "unhealthy",
      reasons: "High error rate: 42.9%; 6 consecutive failures",
      dashboard_url: expect.stringMatching(/^http.*\/health$/),
    });
    expect(mail.sent.find((m) => m.email.language === "de")!.email.values).toMatchObject({
      integration: "Stripe",
      status: "gestört",
      reasons: "Hohe Fehlerquote: 42,9 %; 6 Fehlschläge in Folge",
      name: "Grete",
    });
    expect(raised).toEqual([
      {
        type: "connection.unhealthy",
        data: { providerId: "stripe", connectionId: connection.id, reasons: ["High error rate: 42.9%", "6 consecutive failures"] },
        client: expect.anything(),
      },
    ]);
    // Raised inside the transaction that recorded the alert, not on the plain client.
    expect(raised[0]!.client).not.toBe(h.t.db);
    expect(await h.t.db.healthAlertState.findUniqueOrThrow({ where: { connectionId: connection.id } })).toMatchObject({ alertedStatus: "unhealthy" });

    // 15 minutes later, still unhealthy: a snapshot, but no second alert.
    const second = await run(15 * 60_000);
    expect(second).toMatchObject({ unhealthy: 1, alerts: [], emails: { sent: 0, failed: 0 } });
    expect(mail.sent).toHaveLength(2);
    expect(raised).toHaveLength(1);

    // Two hours on, the failures are out of the window and the calls succeed again: recovered, once.
    await calls(connection, 10, "success", 2 * HOUR);
    const third = await run(2 * HOUR);
    expect(third.alerts).toEqual([{ workspaceId: admin.workspaceId, connectionId: connection.id, providerId: "stripe", kind: "recovered", reasons: [] }]);
    expect(mail.sent.slice(2).map((m) => [m.email.to, m.email.values.status, m.email.values.reasons])).toEqual(
      [
        [admin.email, "recovered", undefined],
        [german.email, "wieder in Ordnung", undefined],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(raised.map((e) => [e.type, e.client !== h.t.db])).toEqual([
      ["connection.unhealthy", true],
      ["connection.recovered", true],
    ]);
    expect((await run(2 * HOUR + 15 * 60_000)).alerts).toEqual([]);
    expect(mail.sent).toHaveLength(4);

    // Every run stored a snapshot of the connection.
    const snapshots = await h.t.db.healthSnapshot.findMany({ where: { connectionId: connection.id }, orderBy: { createdAt: "asc" } });
    expect(snapshots.map((s) => s.status)).toEqual(["unhealthy", "unhealthy", "healthy", "healthy"]);
    expect(snapshots[0]).toMatchObject({
      calls: 14,
      failures: 6,
      consecutiveFailures: 6,
      reasons: ["High error rate: 42.9%", "6 consecutive failures"],
      tested: false,
      createdAt: new Date(T0),
      windowStart: new Date(T0 - HOUR),
    });
  });

  it("sends one alert when two runs overlap", async () => {
    const { connection } = await setup();
    await calls(connection, 10, "failure", 0);
    const mail = recorder();
    const options = { now: clock(0), notify: mail.notify, probe: noProbe };
    const [a, b] = await Promise.all([runHealthCheck(h.t.db, options), runHealthCheck(h.t.db, options)]);
    expect(a.alerts.length + b.alerts.length).toBe(1);
    expect(mail.sent).toHaveLength(2); // one per admin
    expect(raised).toHaveLength(1);
  });

  it("decides in the write, not in the read: a run that read the state before another run alerted stays silent", async () => {
    const { connection } = await setup();
    await calls(connection, 10, "failure", 0);
    const mail = recorder();
    expect((await runHealthCheck(h.t.db, { now: clock(0), notify: mail.notify, probe: noProbe })).alerts).toHaveLength(1);
    // The second run sees the alert state as it was before the first run wrote it.
    const staleRead = new Proxy(h.t.db, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key !== "healthAlertState") return value;
        return new Proxy(value, { get: (delegate, method) => (method === "findMany" ? async () => [] : Reflect.get(delegate, method)) });
      },
    });
    expect((await runHealthCheck(staleRead, { now: clock(0), notify: mail.notify, probe: noProbe })).alerts).toEqual([]);
    expect(mail.sent).toHaveLength(2);
    expect(raised).toHaveLength(1);
  });

  it("neither alerts nor recovers on a quiet hour, and never alerts a healthy integration", async () => {
    const { connection } = await setup();
    const mail = recorder();
    const run = (ms: number) => runHealthCheck(h.t.db, { now: clock(ms), notify: mail.notify, probe: noProbe });
    await calls(connection, 5, "success", 0);
    expect((await run(0)).alerts).toEqual([]);
    await calls(connection, 5, "failure", HOUR);
    expect((await run(HOUR)).alerts.map((a) => a.kind)).toEqual(["unhealthy"]);
    // No calls at all in the next window: no_activity, which is not a recovery.
    expect(await run(3 * HOUR)).toMatchObject({ noActivity: 1, alerts: [] });
    expect(mail.sent).toHaveLength(2);
  });

  it("counts emails that could not be sent, without sending them again next run", async () => {
    const { connection } = await setup();
    await calls(connection, 5, "failure", 0);
    const mail = recorder({ ok: false, category: "permanent", message: "No email provider is connected to this workspace", gracefulFail: true, delivery: "not_sent" });
    const first = await runHealthCheck(h.t.db, { now: clock(0), notify: mail.notify, probe: noProbe });
    expect(first).toMatchObject({ emails: { sent: 0, failed: 2 } });
    expect(first.alerts).toHaveLength(1);
    expect((await runHealthCheck(h.t.db, { now: clock(60_000), notify: mail.notify, probe: noProbe })).alerts).toEqual([]);
    expect(mail.sent).toHaveLength(2);
  });

  it("forgets the alert state of a disconnected integration and prunes old snapshots", async () => {
    const { admin, connection } = await setup();
    await calls(connection, 5, "failure", 0);
    const mail = recorder();
    await runHealthCheck(h.t.db, { now: clock(0), notify: mail.notify, probe: noProbe });
    await disconnect(admin, { providerId: "stripe" });
    const later = await runHealthCheck(h.t.db, { now: clock(31 * 24 * HOUR), notify: mail.notify, probe: noProbe });
    expect(later).toMatchObject({ connections: 0, pruned: { snapshots: 1 } });
    expect(await h.t.db.healthAlertState.count()).toBe(0);
  });
});

describe("idle integrations", () => {
  it("tests a connected integration without traffic live, and alerts when that test fails", async () => {
    const admin = await signedIn(h.t.db, "admin", "Acme");
    await connectApiKey(admin, "stripe", { secretKey: STRIPE_KEYS.valid });
    // The connect test was two hours ago: nothing in the last hour.
    await h.t.db.integrationActivity.updateMany({ data: { createdAt: new Date(Date.now() - 2 * HOUR) } });
    const mail = recorder();

    const quiet = await runHealthCheck(h.t.db, { notify: mail.notify });
    expect(quiet).toMatchObject({ tested: 1, healthy: 1, alerts: [] });
    const probe = await h.t.db.integrationActivity.findFirstOrThrow({ where: { actor: HEALTH_CHECK_ACTOR } });
    expect(probe).toMatchObject({ operation: "connection.test", outcome: "success", providerId: "stripe" });
    expect(h.fakes.stripe.requests.filter((r) => r.path === "/v1/balance")).toHaveLength(2);
    expect(await h.t.db.healthSnapshot.findFirstOrThrow()).toMatchObject({ status: "healthy", tested: true, calls: 1 });

    // Stripe now refuses the key. An hour later the connection is idle again; its test fails.
    await h.t.db.integrationActivity.updateMany({ data: { createdAt: new Date(Date.now() - 2 * HOUR) } });
    h.fakes.stripe.failNext({ status: 401 });
    const failing = await runHealthCheck(h.t.db, { notify: mail.notify });
    expect(failing).toMatchObject({ tested: 1, unhealthy: 1 });
    expect(failing.alerts).toEqual([expect.objectContaining({ kind: "unhealthy", reasons: ["High error rate: 100.0%"] })]);
    expect(mail.sent).toHaveLength(1);
  });

  it("tests an idle OAuth connection once per window, marks it when its test fails, and leaves it alone while it needs reconnecting", async () => {
    const admin = await signedIn(h.t.db, "admin", "Acme");
    await connectThroughFake(h.fakes.oauth, admin, "google-calendar");
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { providerId: "google-calendar" } });
    const userinfo = () => h.fakes.oauth.requests.filter((r) => r.path === "/google/v1/userinfo").length;
    const before = userinfo();
    // Connected two hours ago: nothing in the last hour.
    await h.t.db.integrationActivity.updateMany({ data: { createdAt: new Date(Date.now() - 2 * HOUR) } });
    const mail = recorder();

    const quiet = await runHealthCheck(h.t.db, { notify: mail.notify });
    expect(quiet).toMatchObject({ tested: 1, healthy: 1, alerts: [] });
    // The test read the account with the stored token, through the pipeline.
    expect(userinfo()).toBe(before + 1);
    expect(await h.t.db.integrationActivity.findMany({ where: { actor: HEALTH_CHECK_ACTOR } })).toMatchObject([
      { operation: "connection.test", outcome: "success", providerId: "google-calendar", connectionId: connection.id },
    ]);
    expect(await h.t.db.healthSnapshot.findFirstOrThrow()).toMatchObject({ connectionId: connection.id, status: "healthy", tested: true, calls: 1 });
    expect(await h.t.db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ status: "connected", lastTestedAt: expect.any(Date) });

    // The next run (15 minutes on, here at once) sees that test in its window: no second test.
    expect(await runHealthCheck(h.t.db, { notify: mail.notify })).toMatchObject({ tested: 0, healthy: 1 });
    expect(userinfo()).toBe(before + 1);

    // Google drops the grant: the stored token is refused and so is its refresh token. An hour
    // later the connection is idle again; its test fails and marks it.
    const tokens = await storedTokens(h.t.db, connection.id);
    h.fakes.oauth.invalidateAccessToken(tokens!.accessToken!);
    h.fakes.oauth.revokeRefreshToken(tokens!.refreshToken!);
    await h.t.db.integrationActivity.updateMany({ data: { createdAt: new Date(Date.now() - 2 * HOUR) } });
    const failing = await runHealthCheck(h.t.db, { notify: mail.notify });
    expect(failing).toMatchObject({ tested: 1, unhealthy: 1 });
    expect(failing.alerts).toEqual([expect.objectContaining({ kind: "unhealthy", connectionId: connection.id, providerId: "google-calendar" })]);
    expect(mail.sent).toHaveLength(1);
    expect(h.fakes.oauth.tokenRequests("google", "refresh_token")).toHaveLength(1);
    expect(await h.t.db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({
      status: "error",
      needsReauth: true,
      lastError: expect.any(String),
      lastErrorCategory: "auth",
    });

    // Needing a Reconnect, it is not tested again: no token request, no call, nothing counted.
    await h.t.db.integrationActivity.updateMany({ data: { createdAt: new Date(Date.now() - 2 * HOUR) } });
    const calls = await h.t.db.integrationActivity.count();
    const requests = h.fakes.oauth.requests.length;
    expect(await runHealthCheck(h.t.db, { notify: mail.notify })).toMatchObject({ tested: 0, noActivity: 1 });
    expect(await h.t.db.integrationActivity.count()).toBe(calls);
    expect(h.fakes.oauth.requests.length).toBe(requests);
  });

  it("does not test an OAuth connection that was used within the window", async () => {
    const admin = await signedIn(h.t.db, "admin", "Acme");
    await connectThroughFake(h.fakes.oauth, admin, "x");
    // The connect flow's calls belong to no connection yet; the admin's Test is a call of this one.
    expect(await testConnection(admin, { providerId: "x" })).toMatchObject({ ok: true });
    const requests = h.fakes.oauth.requests.length;
    const calls = await h.t.db.integrationActivity.count({ where: { connection: { providerId: "x" } } });
    expect(calls).toBe(1);
    const report = await runHealthCheck(h.t.db, { notify: recorder().notify });
    expect(report).toMatchObject({ connections: 1, tested: 0 });
    expect(report.noActivity).toBe(0);
    expect(h.fakes.oauth.requests.length).toBe(requests);
    expect(await h.t.db.integrationActivity.count({ where: { connection: { providerId: "x" } } })).toBe(calls);
  });

  it("does not test connections without stored credentials or providers it cannot test, and counts nothing for them", async () => {
    const admin = await signedIn(h.t.db, "admin", "Acme");
    await h.t.db.connection.createMany({
      data: [
        { workspaceId: admin.workspaceId, providerId: "google-calendar", authType: "oauth2", status: "connected" },
        { workspaceId: admin.workspaceId, providerId: "sendgrid", authType: "api_key", status: "connected" },
        // Coming soon: no adapter to test with.
        { workspaceId: admin.workspaceId, providerId: "s3", authType: "api_key", status: "connected" },
      ],
    });
    const report = await runHealthCheck(h.t.db, { notify: recorder().notify });
    expect(report).toMatchObject({ connections: 3, tested: 0, noActivity: 3, alerts: [] });
    expect(await h.t.db.integrationActivity.count()).toBe(0);
    // Nothing was marked either.
    expect((await h.t.db.connection.findMany()).map((c) => [c.providerId, c.status, c.lastTestedAt])).toEqual(
      expect.arrayContaining([
        ["google-calendar", "connected", null],
        ["sendgrid", "connected", null],
        ["s3", "connected", null],
      ]),
    );
  });
});
