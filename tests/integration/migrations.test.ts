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
      data: { workspaceId: workspace.id, email: "a@acme.test", name: "Ada", passwordHash: "x", role: "viewer", language: "de", lastLoginAt: new Date() },
    });
    const expiresAt = new Date(Date.now() + 3600_000);
    const connection = await db.connection.create({
      data: {
        workspaceId: workspace.id,
        providerId: "stripe",
        status: "syncing",
        authType: "api_key",
        accountId: "acct_acme",
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
        refreshable: true,
        tokenVersion: 4,
        lastRefreshedAt: new Date(),
        refreshLeaseId: "lease-1",
        refreshLeaseUntil: expiresAt,
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
    await db.oAuthState.create({
      data: {
        stateHash: "sh",
        workspaceId: workspace.id,
        userId: user.id,
        providerId: "x",
        bindingHash: "bh",
        verifierCiphertext: "v1.a.b.c",
        keyId: "k1",
        redirectUri: "https://app.test/cb",
        scopes: ["a", "b"],
        expiresAt,
        usedAt: new Date(),
      },
    });
    expect(await db.oAuthState.findUniqueOrThrow({ where: { stateHash: "sh" }, include: { user: true } })).toMatchObject({
      scopes: ["a", "b"],
      keyId: "k1",
      user: { id: user.id },
    });
    await db.setupToken.create({ data: { tokenHash: "h", expiresAt, usedAt: new Date() } });
    const session = await db.webinarSession.create({
      data: {
        workspaceId: workspace.id,
        title: "Intro",
        description: "d",
        startsAt: expiresAt,
        durationMinutes: 45,
        capacity: 30,
        status: "published",
        onlineUrl: "https://meet.example.test/x",
        priceMinor: 4900,
        currency: "usd",
        odooEventId: 7,
      },
    });
    const topic = await db.webinarTopic.create({
      data: { workspaceId: workspace.id, title: "Automation", description: "d", defaultPriceMinor: 4900, currency: "usd", odooProductId: 11, odooSyncedAt: new Date() },
    });
    await db.webinarSession.update({ where: { id: session.id }, data: { topicId: topic.id, odooSyncedAt: new Date() } });
    const registration = await db.registration.create({
      data: {
        workspaceId: workspace.id,
        sessionId: session.id,
        name: "Ada",
        email: "ada@acme.test",
        phone: "+1555",
        company: "Acme",
        language: "de",
        status: "attended",
        paymentStatus: "completed",
        paymentIntentId: "pi_1",
        amountPaidMinor: 4900,
        odooRegistrationId: 9,
        odooSyncedAt: new Date(),
        confirmationSentAt: new Date(),
      },
    });
    const reminder = await db.webinarReminder.create({
      data: {
        workspaceId: workspace.id,
        registrationId: registration.id,
        kind: "7d",
        status: "failed",
        attempts: 2,
        provider: "smtp",
        messageId: "m1",
        error: "boom",
        mayHaveBeenSent: true,
        claimedAt: new Date(),
        sentAt: new Date(),
      },
    });
    expect(await db.webinarReminder.findUniqueOrThrow({ where: { id: reminder.id } })).toMatchObject({ kind: "7d", status: "failed", attempts: 2, mayHaveBeenSent: true });
    await expect(db.webinarReminder.create({ data: { workspaceId: workspace.id, registrationId: registration.id, kind: "7d" } })).rejects.toThrow();
    const lead = await db.lead.create({
      data: {
        workspaceId: workspace.id,
        name: "Ada",
        email: "ada@acme.test",
        phone: "+1",
        company: "Acme",
        website: "https://acme.test",
        source: "whitepaper",
        whitepaperTitle: "Automation",
        exportedAt: new Date(),
        odooLeadId: 5,
        exportKey: "plugboard-lead-x",
        exportRunId: "run1",
        exportAttempts: 2,
        lastExportAt: new Date(),
        lastExportError: "boom",
      },
    });
    expect(await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({
      odooLeadId: 5,
      exportKey: "plugboard-lead-x",
      exportAttempts: 2,
      whitepaperTitle: "Automation",
    });
    await expect(db.lead.create({ data: { workspaceId: workspace.id, name: "B", email: "b@acme.test", exportKey: "plugboard-lead-x" } })).rejects.toThrow();
    const run = await db.odooSyncRun.create({
      data: {
        workspaceId: workspace.id,
        kind: "leads",
        trigger: "cron",
        actor: "cron",
        status: "completed",
        activeKey: "k",
        total: 3,
        done: 3,
        successful: 2,
        failed: 1,
        failures: [{ id: "x", reason: "r" }],
        counts: { created: 2 },
        message: "m",
        finishedAt: new Date(),
      },
    });
    expect(await db.odooSyncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "completed",
      failures: [{ id: "x", reason: "r" }],
      counts: { created: 2 },
      done: 3,
    });
    await expect(db.odooSyncRun.create({ data: { workspaceId: workspace.id, kind: "leads", trigger: "cron", actor: "cron", activeKey: "k" } })).rejects.toThrow();
    expect(await db.webinarTopic.findUniqueOrThrow({ where: { id: topic.id }, include: { sessions: true } })).toMatchObject({ odooProductId: 11, sessions: [{ id: session.id }] });
    expect(await db.webinarSession.findUniqueOrThrow({ where: { id: session.id }, include: { registrations: true } })).toMatchObject({
      capacity: 30,
      odooEventId: 7,
      registrations: [{ language: "de", status: "attended", paymentStatus: "completed", paymentIntentId: "pi_1", amountPaidMinor: 4900 }],
    });
    await expect(db.registration.create({ data: { workspaceId: workspace.id, sessionId: session.id, name: "Ada", email: "ada@acme.test" } })).rejects.toThrow();

    // Webhooks in, payments, contacts, messages.
    const received = new Date(Date.now() - 60_000);
    await db.inboundEvent.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        provider: "stripe",
        dedupeKey: "evt_1",
        type: "payment_intent.succeeded",
        receivedAt: received,
        signature: "verified",
        state: "failed",
        attempts: 2,
        deliveries: 3,
        lastError: "boom",
        nextAttemptAt: expiresAt,
        lockedUntil: expiresAt,
        processedAt: received,
        bodyBytes: 321,
        payload: { id: "evt_1" },
      },
    });
    await db.inboundEvent.create({ data: { provider: "twilio", type: "(unverified)", signature: "stale", state: "rejected" } });
    await expect(
      db.inboundEvent.create({ data: { workspaceId: workspace.id, provider: "stripe", dedupeKey: "evt_1", type: "x", signature: "verified", state: "received" } }),
    ).rejects.toThrow();
    await db.payment.create({
      data: {
        workspaceId: workspace.id,
        registrationId: registration.id,
        paymentIntentId: "pi_1",
        amountMinor: 4900,
        currency: "eur",
        status: "refunded",
        amountReceivedMinor: 4900,
        amountRefundedMinor: 4900,
        lastError: "declined",
        metadata: { registrationId: registration.id },
      },
    });
    await db.contact.create({
      data: {
        workspaceId: workspace.id,
        email: "ada@acme.test",
        name: "Ada L",
        mergeFields: { FNAME: "Ada" },
        status: "cleaned",
        source: "mailchimp",
        listId: "l1",
        optedOutAt: received,
        cleanedAt: received,
      },
    });
    await db.message.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        direction: "inbound",
        providerSid: "SM1",
        from: "+15550001",
        to: "+15550002",
        body: "hi",
        status: "delivered",
        errorCode: 30003,
        errorMessage: "Unreachable",
        statusAt: received,
      },
    });
    expect(
      await db.workspace.findUniqueOrThrow({
        where: { id: workspace.id },
        include: { inboundEvents: true, payments: { include: { registration: true } }, contacts: true, messages: { include: { connection: true } } },
      }),
    ).toMatchObject({
      inboundEvents: [
        { provider: "stripe", dedupeKey: "evt_1", signature: "verified", state: "failed", attempts: 2, deliveries: 3, lastError: "boom", bodyBytes: 321, payload: { id: "evt_1" } },
      ],
      payments: [
        { paymentIntentId: "pi_1", status: "refunded", amountReceivedMinor: 4900, amountRefundedMinor: 4900, lastError: "declined", registration: { id: registration.id } },
      ],
      contacts: [{ email: "ada@acme.test", name: "Ada L", mergeFields: { FNAME: "Ada" }, status: "cleaned", source: "mailchimp", listId: "l1" }],
      messages: [{ direction: "inbound", providerSid: "SM1", status: "delivered", errorCode: 30003, errorMessage: "Unreachable", connection: { id: connection.id } }],
    });
    expect((await db.inboundEvent.findFirstOrThrow({ where: { provider: "twilio" } })).workspaceId).toBeNull();
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
    expect(await db.calendarEvent.findUniqueOrThrow({ where: { id: calendarEvent.id } })).toMatchObject({
      source: "booking",
      allDay: true,
      status: "tentative",
      details: { client: { name: "Ada" } },
      etag: '"3"',
    });
    await expect(
      db.calendarEvent.create({
        data: { workspaceId: workspace.id, connectionId: connection.id, providerId: "google-calendar", calendarId: "primary", providerEventId: "evt1", source: "sync" },
      }),
    ).rejects.toThrow();
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
      items: [
        { status: "succeeded", providerEventId: "e1b", attempts: 2 },
        { status: "failed", statusCode: 429, errorCategory: "rate_limit" },
      ],
    });
    await db.calendarSyncState.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        providerId: "google-calendar",
        calendarId: "primary",
        cursor: "tok",
        windowStart: expiresAt,
        windowEnd: expiresAt,
        lockedAt: expiresAt,
        lastSyncAt: expiresAt,
        lastFullSyncAt: expiresAt,
        lastError: "e",
        lastResult: { changed: 1 },
      },
    });
    expect(await db.calendarSyncState.findFirstOrThrow()).toMatchObject({ cursor: "tok", lastResult: { changed: 1 } });
    await db.calendarWorkingHours.create({
      data: { workspaceId: workspace.id, connectionId: connection.id, calendarId: "primary", timeZone: "Europe/Berlin", dayStart: "08:00", dayEnd: "16:30", weekdays: [1, 2, 3] },
    });
    expect(await db.calendarWorkingHours.findFirstOrThrow()).toMatchObject({ dayStart: "08:00", dayEnd: "16:30", weekdays: [1, 2, 3] });

    const read = await db.connection.findUniqueOrThrow({
      where: { id: connection.id },
      include: { credential: true, activities: true, workspace: { include: { users: true, auditLogs: true } } },
    });
    expect(read).toMatchObject({
      status: "syncing",
      grantedScopes: ["read", "write"],
      lastErrorCategory: "rate_limit",
      needsReauth: true,
      settings: { mode: "test", nested: { n: 1 } },
      circuitState: "half_open",
      consecutiveFailures: 2,
      usageValue: "12",
      refreshable: true,
      tokenVersion: 4,
      refreshLeaseId: "lease-1",
      credential: { keyId: "k1", version: 1 },
    });
    expect(read.expiresAt?.getTime()).toBe(expiresAt.getTime());
    expect(read.refreshLeaseUntil?.getTime()).toBe(expiresAt.getTime());
    expect(read.lastRefreshedAt).toBeInstanceOf(Date);
    expect(read.activities[0]).toMatchObject({ outcome: "failure", errorCategory: "auth", attempts: 2, statusCode: 401 });
    expect(read.workspace.users[0]).toMatchObject({ role: "viewer", name: "Ada", language: "de" });
    expect((await db.user.create({ data: { workspaceId: workspace.id, email: "b@acme.test", passwordHash: "x" } })).language).toBe("en");

    const windowEnd = new Date();
    await db.healthSnapshot.create({
      data: {
        workspaceId: workspace.id,
        connectionId: connection.id,
        providerId: "stripe",
        status: "unhealthy",
        reasons: ["High error rate: 23.0%"],
        windowStart: new Date(windowEnd.getTime() - 3600_000),
        windowEnd,
        calls: 13,
        failures: 3,
        shortCircuits: 2,
        errorRate: 3 / 13,
        avgLatencyMs: 120,
        p95LatencyMs: 480,
        consecutiveFailures: 2,
        circuitState: "open",
        tested: true,
      },
    });
    await db.healthAlertState.create({ data: { connectionId: connection.id, workspaceId: workspace.id, alertedStatus: "unhealthy", alertedAt: windowEnd } });
    await db.rateLimitWindow.create({
      data: { workspaceId: workspace.id, providerId: "stripe", scope: "*", windowStart: windowEnd, windowEnd: new Date(windowEnd.getTime() + 1000), count: 4 },
    });
    const health = await db.connection.findUniqueOrThrow({ where: { id: connection.id }, include: { healthSnapshots: true, healthAlertState: true } });
    expect(health.healthSnapshots[0]).toMatchObject({
      status: "unhealthy",
      reasons: ["High error rate: 23.0%"],
      calls: 13,
      failures: 3,
      shortCircuits: 2,
      errorRate: 3 / 13,
      avgLatencyMs: 120,
      p95LatencyMs: 480,
      consecutiveFailures: 2,
      circuitState: "open",
      tested: true,
    });
    expect(health.healthSnapshots[0]!.windowEnd.getTime()).toBe(windowEnd.getTime());
    expect(health.healthAlertState).toMatchObject({ alertedStatus: "unhealthy", workspaceId: workspace.id });
    expect(health.healthAlertState!.alertedAt.getTime()).toBe(windowEnd.getTime());
    expect(await db.rateLimitWindow.findFirstOrThrow()).toMatchObject({ scope: "*", count: 4, providerId: "stripe" });
    // One window row per workspace, provider, scope and window start.
    await expect(db.rateLimitWindow.create({ data: { workspaceId: workspace.id, providerId: "stripe", scope: "*", windowStart: windowEnd, windowEnd } })).rejects.toThrow();
    expect(read.workspace.auditLogs[0]).toMatchObject({ action: "connection.connect", details: { a: 1 } });
    expect(await db.loginAttempt.count()).toBe(1);
    expect((await db.setupToken.findFirstOrThrow()).usedAt).toBeInstanceOf(Date);

    // Uniqueness the app relies on: one connection per account of a provider in a workspace (other
    // accounts are connections of their own), one credential per connection, one default per slot.
    await expect(db.connection.create({ data: { workspaceId: workspace.id, providerId: "stripe", authType: "api_key", accountId: "acct_acme" } })).rejects.toThrow();
    const other = await db.connection.create({ data: { workspaceId: workspace.id, providerId: "stripe", authType: "api_key", accountId: "acct_other" } });
    await db.capabilityDefault.create({ data: { workspaceId: workspace.id, slot: "payments", connectionId: other.id } });
    await expect(db.capabilityDefault.create({ data: { workspaceId: workspace.id, slot: "payments", connectionId: connection.id } })).rejects.toThrow();
    expect(await db.capabilityDefault.findUniqueOrThrow({ where: { workspaceId_slot: { workspaceId: workspace.id, slot: "payments" } } })).toMatchObject({
      connectionId: other.id,
    });
    // Deleting a connection drops the defaults that named it.
    await db.connection.delete({ where: { id: other.id } });
    expect(await db.capabilityDefault.count({ where: { workspaceId: workspace.id } })).toBe(0);
    await expect(db.credential.create({ data: { connectionId: connection.id, ciphertext: "x", keyId: "k" } })).rejects.toThrow();
    // Outgoing webhooks: endpoint, outbox event, delivery and its attempt log.
    const now = new Date();
    await db.webhookEndpoint.create({
      data: {
        id: "ep_1",
        workspaceId: workspace.id,
        name: "Ops",
        url: "https://hooks.example.test/in",
        events: ["booking.created", "sync.failed"],
        status: "disabled",
        disabledReason: "it answered 410 Gone",
        disabledAt: now,
        secretCiphertext: "v1.a.b.c",
        secretKeyId: "k1",
        previousSecretExpiresAt: now,
        headerNames: ["Authorization"],
        failingSince: now,
      },
    });
    await db.webhookEvent.create({ data: { id: "msg_1", workspaceId: workspace.id, type: "booking.created", payload: '{"type":"booking.created"}', createdAt: now } });
    const delivery = await db.webhookDelivery.create({
      data: {
        endpointId: "ep_1",
        eventId: "msg_1",
        eventType: "booking.created",
        status: "failed",
        attemptCount: 2,
        retryStep: 2,
        nextAttemptAt: now,
        lockedUntil: now,
        claimToken: "token",
        lastAttemptAt: now,
        lastStatusCode: 503,
        lastError: "The endpoint answered 503",
        completedAt: now,
      },
    });
    await db.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        endpointId: "ep_1",
        attemptNumber: 2,
        startedAt: now,
        durationMs: 31,
        ok: false,
        statusCode: 503,
        responseBody: "busy",
        error: "The endpoint answered 503",
      },
    });
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep_1" }, include: { deliveries: { include: { event: true, attempts: true } } } })).toMatchObject({
      events: ["booking.created", "sync.failed"],
      status: "disabled",
      headerNames: ["Authorization"],
      failingSince: now,
      deliveries: [
        {
          status: "failed",
          attemptCount: 2,
          retryStep: 2,
          claimToken: "token",
          lastStatusCode: 503,
          event: { type: "booking.created" },
          attempts: [{ attemptNumber: 2, ok: false, responseBody: "busy", durationMs: 31 }],
        },
      ],
    });
    // One delivery per event and endpoint.
    await expect(db.webhookDelivery.create({ data: { endpointId: "ep_1", eventId: "msg_1", eventType: "booking.created" } })).rejects.toThrow();

    // Deleting a workspace removes everything in it.
    await db.workspace.delete({ where: { id: workspace.id } });
    expect(await db.connection.count()).toBe(0);
    expect(await db.integrationActivity.count()).toBe(0);
    expect(await db.webhookEndpoint.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
    expect(await db.webhookAttempt.count()).toBe(0);
    expect(await db.healthSnapshot.count()).toBe(0);
    expect(await db.healthAlertState.count()).toBe(0);
    expect(await db.oAuthState.count()).toBe(0);
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
