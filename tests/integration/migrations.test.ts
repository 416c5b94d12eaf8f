// The committed migrations and schema.prisma agree: after applying every migration to an empty
// database, every model and every field can be written and read back through Prisma Client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, pendingMigrations, readMigrations } from "@/lib/db/migrate";
import fs from "node:fs";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("migrations", () => {
  it("records every migration like prisma migrate deploy, and a second run applies nothing", async () => {
    const rows = await t.db.$queryRawUnsafe<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }[]>(
      `SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const files = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
    expect(rows.every((r) => r.applied_steps_count === 1 && r.finished_at)).toBe(true);
    expect(await pendingMigrations(t.url)).toEqual([]);
    expect((await applyMigrations(t.url)).applied).toEqual([]);
  });

  it("has a table column for every field of every model in schema.prisma", async () => {
    const columns = await t.db.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const have = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    const missing: string[] = [];
    const models = scalarFieldsBySchemaModel();
    expect(Object.keys(models).length).toBeGreaterThanOrEqual(7);
    for (const [model, fields] of Object.entries(models)) {
      for (const field of fields) if (!have.has(`${model}.${field}`)) missing.push(`${model}.${field}`);
    }
    expect(missing).toEqual([]);
  });

  it("writes and reads every model and field through Prisma Client", async () => {
    const db = t.db;
    const workspace = await db.workspace.create({ data: { name: "Acme" } });
    const user = await db.user.create({
      data: { workspaceId: workspace.id, email: "a@acme.test", name: "Ada", passwordHash: "x", role: "viewer", lastLoginAt: new Date() },
    });
    const expiresAt = new Date(Date.now() + 3600_000);
    const connection = await db.connection.create({
      data: {
        workspaceId: workspace.id,
        providerId: "stripe",
        status: "syncing",
        authType: "api_key",
        accountLabel: "Acme Ltd",
        grantedScopes: ["read", "write"],
        expiresAt,
        lastSyncAt: new Date(),
        lastTestedAt: new Date(),
        lastError: "boom",
        lastErrorCategory: "rate_limit",
        needsReauth: true,
        settings: { mode: "test", nested: { n: 1 } },
        callCount: 3,
        errorCount: 1,
        lastCallAt: new Date(),
        usageLabel: "Charges",
        usageValue: "12",
        circuitState: "half_open",
        consecutiveFailures: 2,
        circuitOpenedAt: new Date(),
      },
    });
    await db.credential.create({ data: { connectionId: connection.id, ciphertext: "v1.a.b.c", keyId: "k1", version: 1 } });
    await db.integrationActivity.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        providerId: "stripe",
        operation: "balance.retrieve",
        outcome: "failure",
        errorCategory: "auth",
        durationMs: 12,
        attempts: 2,
        statusCode: 401,
        message: "Invalid API key",
        actor: `user:${user.email}`,
      },
    });
    await db.auditLog.create({ data: { workspaceId: workspace.id, actor: "system", action: "connection.connect", target: connection.id, details: { a: 1 } } });
    await db.loginAttempt.create({ data: { key: "account:a@acme.test" } });
    await db.setupToken.create({ data: { tokenHash: "h", expiresAt, usedAt: new Date() } });
    const session = await db.webinarSession.create({
      data: { workspaceId: workspace.id, title: "Intro", description: "d", startsAt: expiresAt, durationMinutes: 45, capacity: 30, status: "published", onlineUrl: "https://meet.example.test/x", priceMinor: 4900, currency: "usd", odooEventId: 7 },
    });
    await db.registration.create({
      data: { workspaceId: workspace.id, sessionId: session.id, name: "Ada", email: "ada@acme.test", phone: "+1555", company: "Acme", language: "de", status: "attended", paymentStatus: "completed", paymentIntentId: "pi_1", amountPaidMinor: 4900, odooRegistrationId: 9 },
    });
    expect(await db.webinarSession.findUniqueOrThrow({ where: { id: session.id }, include: { registrations: true } })).toMatchObject({
      capacity: 30,
      odooEventId: 7,
      registrations: [{ language: "de", status: "attended", paymentStatus: "completed", paymentIntentId: "pi_1", amountPaidMinor: 4900 }],
    });
    await expect(db.registration.create({ data: { workspaceId: workspace.id, sessionId: session.id, name: "Ada", email: "ada@acme.test" } })).rejects.toThrow();

    // Calendars: local event records, batch jobs with items, sync state, working hours.
    const calendarEvent = await db.calendarEvent.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        providerId: "google-calendar",
        calendarId: "primary",
        providerEventId: "evt1",
        etag: '"3"',
        localReference: "BK-1",
        source: "booking",
        batchJobId: "job1",
        summary: "Consultation - Ada",
        startsAt: expiresAt,
        endsAt: expiresAt,
        allDay: true,
        timeZone: "Europe/Berlin",
        status: "tentative",
        meetingUrl: "https://meet.example.test/abc",
        details: { client: { name: "Ada" } },
        providerUpdatedAt: expiresAt,
        syncedAt: expiresAt,
      },
    });
    expect(await db.calendarEvent.findUniqueOrThrow({ where: { id: calendarEvent.id } })).toMatchObject({ source: "booking", allDay: true, status: "tentative", details: { client: { name: "Ada" } }, etag: '"3"' });
    await expect(db.calendarEvent.create({ data: { workspaceId: workspace.id, connectionId: connection.id, providerId: "google-calendar", calendarId: "primary", providerEventId: "evt1", source: "sync" } })).rejects.toThrow();
    const job = await db.calendarBatchJob.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        providerId: "google-calendar",
        calendarId: "primary",
        targetConnectionId: connection.id,
        targetProviderId: "google-calendar",
        targetCalendarId: "other",
        operation: "move",
        status: "running",
        total: 2,
        succeeded: 1,
        failed: 1,
        requestCount: 3,
        actor: "user:a@acme.test",
        error: "x",
        heartbeatAt: expiresAt,
        startedAt: expiresAt,
        finishedAt: expiresAt,
        items: {
          create: [
            { position: 0, status: "succeeded", input: { eventId: "e1" }, reference: "r1", providerEventId: "e1b", etag: "t", attempts: 2 },
            { position: 1, status: "failed", input: { eventId: "e2" }, statusCode: 429, errorCategory: "rate_limit", error: "throttled", attempts: 4 },
          ],
        },
      },
    });
    expect(await db.calendarBatchJob.findUniqueOrThrow({ where: { id: job.id }, include: { items: { orderBy: { position: "asc" } } } })).toMatchObject({
      operation: "move",
      status: "running",
      requestCount: 3,
      targetCalendarId: "other",
      items: [{ status: "succeeded", providerEventId: "e1b", attempts: 2 }, { status: "failed", statusCode: 429, errorCategory: "rate_limit" }],
    });
    await db.calendarSyncState.create({
      data: { workspaceId: workspace.id, connectionId: connection.id, providerId: "google-calendar", calendarId: "primary", cursor: "tok", windowStart: expiresAt, windowEnd: expiresAt, lockedAt: expiresAt, lastSyncAt: expiresAt, lastFullSyncAt: expiresAt, lastError: "e", lastResult: { changed: 1 } },
    });
    expect(await db.calendarSyncState.findFirstOrThrow()).toMatchObject({ cursor: "tok", lastResult: { changed: 1 } });
    await db.calendarWorkingHours.create({ data: { workspaceId: workspace.id, connectionId: connection.id, calendarId: "primary", timeZone: "Europe/Berlin", dayStart: "08:00", dayEnd: "16:30", weekdays: [1, 2, 3] } });
    expect(await db.calendarWorkingHours.findFirstOrThrow()).toMatchObject({ dayStart: "08:00", dayEnd: "16:30", weekdays: [1, 2, 3] });

    const read = await db.connection.findUniqueOrThrow({ where: { id: connection.id }, include: { credential: true, activities: true, workspace: { include: { users: true, auditLogs: true } } } });
    expect(read).toMatchObject({
      status: "syncing",
      grantedScopes: ["read", "write"],
      lastErrorCategory: "rate_limit",
      needsReauth: true,
      settings: { mode: "test", nested: { n: 1 } },
      circuitState: "half_open",
      consecutiveFailures: 2,
      usageValue: "12",
      credential: { keyId: "k1", version: 1 },
    });
    expect(read.expiresAt?.getTime()).toBe(expiresAt.getTime());
    expect(read.activities[0]).toMatchObject({ outcome: "failure", errorCategory: "auth", attempts: 2, statusCode: 401 });
    expect(read.workspace.users[0]).toMatchObject({ role: "viewer", name: "Ada" });
    expect(read.workspace.auditLogs[0]).toMatchObject({ action: "connection.connect", details: { a: 1 } });
    expect(await db.loginAttempt.count()).toBe(1);
    expect((await db.setupToken.findFirstOrThrow()).usedAt).toBeInstanceOf(Date);

    // Uniqueness the app relies on: one connection per provider per workspace, one credential per connection.
    await expect(db.connection.create({ data: { workspaceId: workspace.id, providerId: "stripe", authType: "api_key" } })).rejects.toThrow();
    await expect(db.credential.create({ data: { connectionId: connection.id, ciphertext: "x", keyId: "k" } })).rejects.toThrow();
    // Deleting a workspace removes everything in it.
    await db.workspace.delete({ where: { id: workspace.id } });
    expect(await db.connection.count()).toBe(0);
    expect(await db.integrationActivity.count()).toBe(0);
    expect(await db.calendarEvent.count()).toBe(0);
    expect(await db.calendarBatchItem.count()).toBe(0);
  });
});

/** Scalar fields per model, read from schema.prisma (relation fields name another model). */
function scalarFieldsBySchemaModel(): Record<string, string[]> {
  const schema = fs.readFileSync("prisma/schema.prisma", "utf8");
  const blocks = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(blocks.map((b) => b[1]!));
  return Object.fromEntries(
    blocks.map(([, name, body]) => [
      name!,
      body!
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("//") && !line.startsWith("@@"))
        .map((line) => line.split(/\s+/))
        .filter(([, type]) => type && !modelNames.has(type.replace(/[[\]?]/g, "")))
        .map(([field]) => field!),
    ]),
  );
}
