// The dashboard reads: integration status (one query, fast with many connections) and the
// paged, filtered, workspace-scoped activity log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { activityQuerySchema, listActivity } from "@/lib/connections/activity";
import { providerIds } from "@/lib/integrations/registry";
import { integrationStatus } from "@/lib/connections/status";
import { countingDb } from "@/tests/helpers/counting-db";
import { truncateAll } from "@/tests/helpers/db";
import { signedIn, startHarness, type IntegrationHarness } from "./setup";

let h: IntegrationHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());
beforeEach(async () => truncateAll(h.t.db));

describe("integrationStatus", () => {
  it("answers every registered provider from one query of connections (and one of defaults), ignoring unknown provider rows", async () => {
    const user = await signedIn(h.t.db);
    const other = await signedIn(h.t.db, "admin", "Other");
    await h.t.db.connection.createMany({
      data: [
        {
          workspaceId: user.workspaceId,
          providerId: "stripe",
          authType: "api_key",
          status: "connected",
          accountLabel: "Stripe (live mode)",
          callCount: 40,
          errorCount: 3,
          usageLabel: "Payments",
          usageValue: "312",
        },
        {
          workspaceId: user.workspaceId,
          providerId: "sendgrid",
          authType: "api_key",
          status: "error",
          needsReauth: true,
          lastError: "SendGrid rejected the API key",
          lastErrorCategory: "auth",
        },
        { workspaceId: user.workspaceId, providerId: "retired-provider", authType: "api_key", status: "connected" },
        { workspaceId: other.workspaceId, providerId: "twilio", authType: "api_key", status: "connected" },
      ],
    });
    const { db, calls } = countingDb(h.t.db);
    const status = await integrationStatus(user.workspaceId, db);
    expect(calls.sort()).toEqual(["capabilityDefault.findMany", "connection.findMany"]);
    expect(Object.keys(status).sort()).toEqual([...providerIds].sort());
    expect(status.stripe).toMatchObject({
      connected: true,
      status: "active",
      usage: [
        { label: "Calls", value: 40 },
        { label: "Errors", value: 3 },
        { label: "Payments", value: "312" },
      ],
    });
    expect(status.sendgrid).toMatchObject({ connected: true, status: "error", needsReauth: true, lastError: { message: "SendGrid rejected the API key", category: "auth" } });
    expect(status.twilio).toMatchObject({ connected: false, status: "inactive" }); // the other workspace's
    expect(status).not.toHaveProperty("retired-provider");
  });
});

describe("listActivity", () => {
  async function seed() {
    const a = await signedIn(h.t.db, "admin", "A");
    const b = await signedIn(h.t.db, "admin", "B");
    const base = Date.parse("2026-11-20T00:00:00Z");
    const rows = Array.from({ length: 12 }, (_, i) => ({
      workspaceId: a.workspaceId,
      providerId: i % 3 === 0 ? "sendgrid" : "stripe",
      operation: "connection.test",
      outcome: i % 4 === 0 ? ("failure" as const) : ("success" as const),
      errorCategory: i % 4 === 0 ? (i % 8 === 0 ? ("auth" as const) : ("transient" as const)) : null,
      durationMs: 100 + i,
      attempts: 1,
      actor: "user:a@acme.test",
      createdAt: new Date(base + i * 3_600_000), // hourly
    }));
    await h.t.db.integrationActivity.createMany({ data: rows });
    await h.t.db.integrationActivity.create({
      data: { workspaceId: b.workspaceId, providerId: "stripe", operation: "connection.test", outcome: "success", durationMs: 1, actor: "user:b@acme.test" },
    });
    return { a, b, base };
  }

  const q = (raw: Record<string, string>) => activityQuerySchema.parse(raw);

  it("pages newest first within the workspace", async () => {
    const { a, b } = await seed();
    const first = await listActivity(a.workspaceId, q({ pageSize: "5" }));
    expect(first).toMatchObject({ page: 1, pageSize: 5, total: 12 });
    expect(first.items.map((i) => i.durationMs)).toEqual([111, 110, 109, 108, 107]);
    const third = await listActivity(a.workspaceId, q({ pageSize: "5", page: "3" }));
    expect(third.items.map((i) => i.durationMs)).toEqual([101, 100]);
    expect(await listActivity(a.workspaceId, q({ pageSize: "5", page: "4" }))).toMatchObject({ items: [], total: 12 });
    expect((await listActivity(b.workspaceId, q({}))).total).toBe(1);
    expect(first.items[0]).toEqual({
      id: expect.any(String),
      providerId: "stripe",
      connectionId: null,
      operation: "connection.test",
      outcome: "success",
      errorCategory: null,
      durationMs: 111,
      attempts: 1,
      statusCode: null,
      message: null,
      actor: "user:a@acme.test",
      createdAt: "2026-11-20T11:00:00.000Z",
    });
  });

  it("filters by provider, outcome, error category and time range", async () => {
    const { a } = await seed();
    expect((await listActivity(a.workspaceId, q({ providerId: "sendgrid" }))).total).toBe(4);
    expect((await listActivity(a.workspaceId, q({ outcome: "failure" }))).total).toBe(3);
    expect((await listActivity(a.workspaceId, q({ errorCategory: "auth" }))).items.map((i) => i.durationMs)).toEqual([108, 100]);
    const range = await listActivity(a.workspaceId, q({ from: "2026-11-20T02:00:00Z", to: "2026-11-20T04:00:00Z" }));
    expect(range.items.map((i) => i.durationMs)).toEqual([104, 103, 102]);
    // A bare date as `to` includes that whole day.
    expect((await listActivity(a.workspaceId, q({ from: "2026-11-20", to: "2026-11-20" }))).total).toBe(12);
    expect((await listActivity(a.workspaceId, q({ to: "2026-11-19" }))).total).toBe(0);
    // A cleared filter (empty string) means no filter.
    expect((await listActivity(a.workspaceId, q({ providerId: "", outcome: "" }))).total).toBe(12);
  });

  it("rejects bad query values with messages that name them", () => {
    const issues = (raw: Record<string, string>) => {
      const r = activityQuerySchema.safeParse(raw);
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(issues({ pageSize: "101" })).toEqual({ pageSize: "pageSize is at most 100" });
    expect(issues({ page: "0" })).toEqual({ page: "page starts at 1" });
    expect(issues({ outcome: "maybe" })).toHaveProperty("outcome");
    expect(issues({ errorCategory: "oops" })).toHaveProperty("errorCategory");
    expect(issues({ from: "yesterday" })).toHaveProperty("from");
    expect(issues({ from: "2026-11-21", to: "2026-11-20" })).toEqual({ from: "from must not be after to" });
    expect(activityQuerySchema.parse({})).toMatchObject({ page: 1, pageSize: 25 });
  });
});
