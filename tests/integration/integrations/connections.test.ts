// The generic connection flow against the fake Stripe and SendGrid, on a real database: live test
// before saving, encrypted storage, partial updates, disconnect, workspace scoping, retries, and
// no secret in anything returned.
import { describe, expect, it, onTestFinished } from "vitest";
import { ApiError } from "@/lib/http/api";
import { listActivity } from "@/lib/connections/activity";
import { connectApiKey, disconnect, getConnection, readConnectionFields, testConnection, updateConnection } from "@/lib/connections/api-key";
import { integrationStatus } from "@/lib/connections/status";
import { registerProvider } from "@/lib/integrations/registry";
import { readCredential } from "@/lib/vault";
import { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { comingSoonManifest } from "@/tests/providers/coming-soon/manifest";
import { colleague, rejection, signedIn, useHarness } from "./setup";

const h = useHarness();

const ALL_SECRETS = [...Object.values(STRIPE_KEYS), ...Object.values(SENDGRID_KEYS)];
/** Fails if any known test secret appears anywhere in the value. */
function expectNoSecrets(value: unknown) {
  const text = JSON.stringify(value) ?? "";
  for (const secret of ALL_SECRETS) expect(text, "a secret leaked").not.toContain(secret);
}

const sendgridFields = { apiKey: SENDGRID_KEYS.valid, fromEmail: "hello@acme.test", fromName: "Acme" };

describe("connect (API key)", () => {
  it("connects Stripe with a valid key: tested live, stored encrypted, status active, audited", async () => {
    const user = await signedIn(h.t.db);
    const view = await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid, webhookSecret: STRIPE_KEYS.webhookSecret });
    expect(view).toMatchObject({
      providerId: "stripe",
      connected: true,
      status: "active",
      connectionStatus: "connected",
      accountLabel: "Stripe (test mode) · EUR, USD",
      needsReauth: false,
      lastError: null,
      secrets: { secretKey: true, webhookSecret: true },
      settings: {},
    });
    expect(view.lastTestedAt).not.toBeNull();
    expectNoSecrets(view);
    expect(h.fakes.stripe.requestsWithKey(STRIPE_KEYS.valid).map((r) => r.path)).toEqual(["/v1/balance"]);

    const conn = await h.t.db.connection.findFirstOrThrow({ where: { workspaceId: user.workspaceId, providerId: "stripe" } });
    expect(conn).toMatchObject({ status: "connected", authType: "api_key", lastError: null, needsReauth: false });
    const cred = await h.t.db.credential.findUniqueOrThrow({ where: { connectionId: conn.id } });
    expect(cred.ciphertext).not.toContain(STRIPE_KEYS.valid);
    expect(cred.ciphertext).not.toContain("PlugboardValidKey");
    expectNoSecrets(conn);
    expect(await readCredential(h.t.db, { workspaceId: user.workspaceId, connectionId: conn.id })).toEqual({
      secretKey: STRIPE_KEYS.valid,
      webhookSecret: STRIPE_KEYS.webhookSecret,
    });

    const status = await integrationStatus(user.workspaceId);
    expect(status.stripe).toMatchObject({ connected: true, status: "active", accountLabel: "Stripe (test mode) · EUR, USD" });
    expect(status.sendgrid).toMatchObject({ connected: false, status: "inactive" });

    const audit = await h.t.db.auditLog.findMany({ where: { workspaceId: user.workspaceId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "integration.connect", target: "stripe", actor: `user:${user.email}` });
    expectNoSecrets(audit);
    // The live test went through the pipeline and is in the activity log (pre-connect: no connection id yet).
    const activity = await h.t.db.integrationActivity.findMany({ where: { workspaceId: user.workspaceId } });
    expect(activity).toMatchObject([{ providerId: "stripe", operation: "connection.test", outcome: "success", attempts: 1, connectionId: null }]);
  });

  it("refuses an invalid Stripe key with 422 in words, stores nothing, and never echoes the key", async () => {
    const user = await signedIn(h.t.db);
    const error = await rejection(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.invalid }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/Stripe rejected the key: Invalid API Key provided.*Nothing was saved\./);
    expect(error.message).not.toContain(STRIPE_KEYS.invalid);
    expect(error.message).not.toMatch(/sk_test_\*|0009/);
    expect(await h.t.db.connection.count()).toBe(0);
    expect(await h.t.db.credential.count()).toBe(0);
    const [activity] = await h.t.db.integrationActivity.findMany();
    expect(activity).toMatchObject({ outcome: "failure", errorCategory: "auth", statusCode: 401 });
    expect(activity!.message).not.toContain(STRIPE_KEYS.invalid);
    expect(activity!.message).not.toMatch(/0009/);
    expect((await integrationStatus(user.workspaceId)).stripe).toMatchObject({ connected: false, status: "inactive" });
  });

  it("keeps the stored connection untouched when a reconnect with a wrong key fails", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid });
    expect((await rejection(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.invalid }))).status).toBe(422);
    const fields = await readConnectionFields(user.workspaceId, { providerId: "stripe" });
    expect(fields?.fields).toEqual({ secretKey: STRIPE_KEYS.valid });
    expect((await integrationStatus(user.workspaceId)).stripe).toMatchObject({ status: "active", needsReauth: false });
  });

  it("explains a restricted key that may not read the balance", async () => {
    const user = await signedIn(h.t.db);
    const error = await rejection(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.restrictedNoBalance }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/grant read access to Balance/);
    expect(error.message).not.toContain(STRIPE_KEYS.restrictedNoBalance);
  });

  it("connects SendGrid: key sealed, sender settings readable, scopes recorded", async () => {
    const user = await signedIn(h.t.db);
    const view = await connectApiKey(user, "sendgrid", sendgridFields);
    expect(view).toMatchObject({
      connected: true,
      status: "active",
      accountLabel: "SendGrid · owner@plugboard.test",
      secrets: { apiKey: true },
      settings: { fromEmail: "hello@acme.test", fromName: "Acme" },
    });
    expectNoSecrets(view);
    const conn = await h.t.db.connection.findFirstOrThrow({ where: { providerId: "sendgrid" } });
    expect(conn.grantedScopes).toContain("mail.send");
    expect(JSON.stringify(conn.settings)).not.toContain(SENDGRID_KEYS.valid);
    const cred = await h.t.db.credential.findUniqueOrThrow({ where: { connectionId: conn.id } });
    expect(cred.ciphertext).not.toContain(SENDGRID_KEYS.valid);
    expect(await readConnectionFields(user.workspaceId, { providerId: "sendgrid" })).toEqual({ connectionId: conn.id, fields: sendgridFields });
    expect(h.fakes.sendgrid.requests[0]!.headers.authorization).toBe(`Bearer ${SENDGRID_KEYS.valid}`);
  });

  it("refuses an invalid SendGrid key and one without Mail Send with 422, storing nothing", async () => {
    const user = await signedIn(h.t.db);
    const bad = await rejection(connectApiKey(user, "sendgrid", { ...sendgridFields, apiKey: SENDGRID_KEYS.invalid }));
    expect(bad.status).toBe(422);
    expect(bad.message).toMatch(/SendGrid rejected the API key/);
    const noSend = await rejection(connectApiKey(user, "sendgrid", { ...sendgridFields, apiKey: SENDGRID_KEYS.noMailSend }));
    expect(noSend.status).toBe(422);
    expect(noSend.message).toMatch(/Mail Send permission/);
    expectNoSecrets([bad.message, noSend.message]);
    expect(await h.t.db.connection.count()).toBe(0);
  });

  it("answers 400 naming the bad fields, without calling the provider or echoing values", async () => {
    const user = await signedIn(h.t.db);
    const missing = await rejection(connectApiKey(user, "sendgrid", { fromEmail: "not-an-email" }));
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.fields ?? {}).sort()).toEqual(["fields.apiKey", "fields.fromEmail"]);
    const unknown = await rejection(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid, apiKey: "x" }));
    expect(unknown.status).toBe(400);
    expect(unknown.fields).toEqual({ "fields.apiKey": expect.stringMatching(/Unknown field; Stripe takes secretKey, webhookSecret/) });
    const notString = await rejection(connectApiKey(user, "stripe", { secretKey: 12345 }));
    expect(notString).toMatchObject({ status: 400, fields: { "fields.secretKey": "Must be a string" } });
    const publishable = await rejection(connectApiKey(user, "stripe", { secretKey: "pk_test_PlugboardPublishable0001" }));
    expect(publishable.status).toBe(400);
    expect(publishable.message).toMatch(/publishable key/);
    expect(publishable.message).not.toContain("pk_test_PlugboardPublishable0001");
    expect((await rejection(connectApiKey(user, "stripe", null))).status).toBe(400);
    expect(h.fakes.stripe.requests).toHaveLength(0);
    expect(h.fakes.sendgrid.requests).toHaveLength(0);
  });

  it("answers 404 for an unknown provider and 409 for a coming-soon one", async () => {
    const user = await signedIn(h.t.db);
    const unknown = await rejection(connectApiKey(user, "paypal", { apiKey: "x" }));
    expect(unknown.status).toBe(404);
    expect(unknown.message).toMatch(/Unknown integration "paypal"/);
    const unregister = registerProvider(comingSoonManifest);
    onTestFinished(unregister);
    const soon = await rejection(connectApiKey(user, comingSoonManifest.id, {}));
    expect(soon.status).toBe(409);
    expect(soon.message).toMatch(/coming soon/);
    // An OAuth-only provider is connected through its consent page, not with a key.
    const oauthOnly = await rejection(connectApiKey(user, "google-calendar", {}));
    expect(oauthOnly.status).toBe(409);
    expect(oauthOnly.message).toMatch(/cannot be connected with an API key; use Connect/);
    expect((await rejection(testConnection(user, { providerId: comingSoonManifest.id }))).status).toBe(409);
    expect((await rejection(updateConnection(user, { providerId: comingSoonManifest.id }, {}))).status).toBe(409);
  });

  it("refuses viewers", async () => {
    const admin = await signedIn(h.t.db);
    const viewer = await colleague(h.t.db, admin, "viewer");
    expect((await rejection(connectApiKey(viewer, "stripe", { secretKey: STRIPE_KEYS.valid }))).status).toBe(403);
    expect((await rejection(disconnect(viewer, { providerId: "stripe" }))).status).toBe(403);
    expect(await h.t.db.connection.count()).toBe(0);
  });
});

describe("pipeline behaviour during a live test", () => {
  it("retries a transient 500 from Stripe and connects on the second attempt", async () => {
    const user = await signedIn(h.t.db);
    h.fakes.stripe.failNext({ status: 500 });
    const view = await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid });
    expect(view.status).toBe("active");
    expect(h.fakes.stripe.requests).toHaveLength(2);
    expect(await h.t.db.integrationActivity.findMany()).toMatchObject([{ outcome: "success", attempts: 2 }]);
  });

  it("retries a 429 after Retry-After", async () => {
    const user = await signedIn(h.t.db);
    h.fakes.sendgrid.failNext({ status: 429, retryAfter: 0 });
    await connectApiKey(user, "sendgrid", sendgridFields);
    expect(h.fakes.sendgrid.requests.filter((r) => r.path === "/v3/scopes")).toHaveLength(2);
  });

  it("answers 502 when Stripe stays down, and saves nothing", async () => {
    const user = await signedIn(h.t.db);
    h.fakes.stripe.failNext({ status: 503 }, 10);
    const error = await rejection(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid }));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/Could not check the credentials with Stripe.*try again/);
    expect(h.fakes.stripe.requests).toHaveLength(3); // PIPELINE_MAX_ATTEMPTS default
    expect(await h.t.db.connection.count()).toBe(0);
  });

  it("does not retry a rejected key", async () => {
    const user = await signedIn(h.t.db);
    await rejection(connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.invalid }));
    expect(h.fakes.stripe.requests).toHaveLength(1);
  });
});

describe("test connection", () => {
  it("tests the stored credentials and records lastTestedAt and usage", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid });
    const before = await h.t.db.connection.findFirstOrThrow();
    await new Promise((r) => setTimeout(r, 5));
    const result = await testConnection(user, { providerId: "stripe" });
    expect(result).toMatchObject({ ok: true, message: "Connected: Stripe (test mode) · EUR, USD", attempts: 1, status: { status: "active", connected: true } });
    expectNoSecrets(result);
    const after = await h.t.db.connection.findFirstOrThrow();
    expect(after.lastTestedAt!.getTime()).toBeGreaterThan(before.lastTestedAt!.getTime());
    expect(after.callCount).toBe(1);
    expect(result.status.usage).toContainEqual({ label: "Calls", value: 1 });
    expect(await h.t.db.integrationActivity.count({ where: { connectionId: after.id } })).toBe(1);
  });

  it("reports a revoked key as a failed test: needs re-auth, status error, no secret in the answer", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid });
    h.fakes.stripe.keys.delete(STRIPE_KEYS.valid); // revoked in the dashboard
    try {
      const result = await testConnection(user, { providerId: "stripe" });
      expect(result).toMatchObject({ ok: false, category: "auth", status: { status: "error", connectionStatus: "error", needsReauth: true } });
      expect(result.message).toMatch(/Stripe rejected the key/);
      expectNoSecrets(result);
      expect(result.message).not.toMatch(/0001/);
      const status = (await integrationStatus(user.workspaceId)).stripe!;
      expect(status).toMatchObject({ status: "error", needsReauth: true, lastError: { category: "auth" } });
      expect(status.usage).toContainEqual({ label: "Errors", value: 1 });
    } finally {
      h.fakes.stripe.addKey(STRIPE_KEYS.valid);
    }
    // Fixing the key through an update heals the connection.
    const healed = await updateConnection(user, { providerId: "stripe" }, { secretKey: STRIPE_KEYS.validLive });
    expect(healed).toMatchObject({ status: "active", needsReauth: false, lastError: null, accountLabel: expect.stringMatching(/live mode/) });
  });

  it("answers 404 when the provider is not connected", async () => {
    const user = await signedIn(h.t.db);
    const error = await rejection(testConnection(user, { providerId: "stripe" }));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/not connected/);
  });
});

describe("update", () => {
  it("keeps secrets that are omitted or sent empty, and changes only what was sent", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "sendgrid", sendgridFields);
    h.fakes.sendgrid.reset();
    const view = await updateConnection(user, { providerId: "sendgrid" }, { fromName: "Acme Support", apiKey: "" });
    expect(view).toMatchObject({ secrets: { apiKey: true }, settings: { fromEmail: "hello@acme.test", fromName: "Acme Support" } });
    expectNoSecrets(view);
    // Re-tested with the stored key before saving.
    expect(h.fakes.sendgrid.requests[0]!.headers.authorization).toBe(`Bearer ${SENDGRID_KEYS.valid}`);
    expect((await readConnectionFields(user.workspaceId, { providerId: "sendgrid" }))?.fields).toEqual({ ...sendgridFields, fromName: "Acme Support" });
    const audit = await h.t.db.auditLog.findMany({ where: { action: "integration.update" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ fieldsChanged: ["fromName"] });
  });

  it("replaces a secret, and clears an optional field with null", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "sendgrid", sendgridFields);
    const view = await updateConnection(user, { providerId: "sendgrid" }, { apiKey: SENDGRID_KEYS.sendOnly, fromName: null });
    expect(view).toMatchObject({ accountLabel: "SendGrid · 1 permission", settings: { fromEmail: "hello@acme.test" } });
    expect(view.settings).not.toHaveProperty("fromName");
    expect((await readConnectionFields(user.workspaceId, { providerId: "sendgrid" }))?.fields).toEqual({ apiKey: SENDGRID_KEYS.sendOnly, fromEmail: "hello@acme.test" });
  });

  it("refuses an update that fails the live test and keeps what was stored", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid, webhookSecret: STRIPE_KEYS.webhookSecret });
    const error = await rejection(updateConnection(user, { providerId: "stripe" }, { secretKey: STRIPE_KEYS.invalid }));
    expect(error.status).toBe(422);
    expectNoSecrets(error.message);
    expect((await readConnectionFields(user.workspaceId, { providerId: "stripe" }))?.fields).toEqual({ secretKey: STRIPE_KEYS.valid, webhookSecret: STRIPE_KEYS.webhookSecret });
  });

  it("validates the merged fields: 400 for clearing a required one, a bad value or an unknown field", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "sendgrid", sendgridFields);
    expect(await rejection(updateConnection(user, { providerId: "sendgrid" }, { apiKey: null }))).toMatchObject({
      status: 400,
      fields: { "fields.apiKey": expect.stringMatching(/cannot be cleared/) },
    });
    expect(await rejection(updateConnection(user, { providerId: "sendgrid" }, { fromEmail: "nope" }))).toMatchObject({
      status: 400,
      fields: { "fields.fromEmail": expect.any(String) },
    });
    expect(await rejection(updateConnection(user, { providerId: "sendgrid" }, { region: "eu" }))).toMatchObject({ status: 400, fields: { "fields.region": expect.any(String) } });
  });

  it("answers 404 when there is nothing to update", async () => {
    const user = await signedIn(h.t.db);
    expect((await rejection(updateConnection(user, { providerId: "stripe" }, { secretKey: STRIPE_KEYS.valid }))).status).toBe(404);
  });
});

describe("disconnect", () => {
  it("wipes the credential, forgets the account and is idempotent", async () => {
    const user = await signedIn(h.t.db);
    await connectApiKey(user, "sendgrid", sendgridFields);
    const conn = await h.t.db.connection.findFirstOrThrow();
    const first = await disconnect(user, { providerId: "sendgrid" });
    expect(first).toMatchObject({ ok: true, status: { connected: false, status: "inactive", connectionStatus: "disconnected", accountLabel: null } });
    expect(await h.t.db.credential.count()).toBe(0);
    const row = await h.t.db.connection.findUniqueOrThrow({ where: { id: conn.id } });
    expect(row).toMatchObject({ status: "disconnected", accountLabel: null, grantedScopes: [], expiresAt: null, needsReauth: false });
    expect(JSON.stringify(row.settings)).not.toContain("hello@acme.test");
    expect(await readConnectionFields(user.workspaceId, { providerId: "sendgrid" })).toBeNull();

    const second = await disconnect(user, { providerId: "sendgrid" });
    expect(second).toEqual(first);
    expect(await h.t.db.auditLog.count({ where: { action: "integration.disconnect" } })).toBe(1);
    // Never connected at all: same answer, no audit entry.
    expect(await disconnect(user, { providerId: "stripe" })).toMatchObject({ ok: true, status: { connected: false } });
    expect((await rejection(disconnect(user, { providerId: "nope" }))).status).toBe(404);
    expect((await rejection(testConnection(user, { providerId: "sendgrid" }))).status).toBe(404);
    // Reconnecting afterwards works.
    expect(await connectApiKey(user, "sendgrid", sendgridFields)).toMatchObject({ status: "active" });
  });
});

describe("workspace scoping", () => {
  it("lets no one in workspace B see, test, update or disconnect workspace A's connection", async () => {
    const a = await signedIn(h.t.db, "admin", "A");
    const b = await signedIn(h.t.db, "admin", "B");
    await connectApiKey(a, "stripe", { secretKey: STRIPE_KEYS.valid });

    expect((await integrationStatus(b.workspaceId)).stripe).toMatchObject({ connected: false, status: "inactive", accountLabel: null });
    expect(await getConnection(b, { providerId: "stripe" })).toMatchObject({ connected: false, secrets: { secretKey: false } });
    expect((await rejection(testConnection(b, { providerId: "stripe" }))).status).toBe(404);
    expect((await rejection(updateConnection(b, { providerId: "stripe" }, { secretKey: STRIPE_KEYS.validLive }))).status).toBe(404);
    await disconnect(b, { providerId: "stripe" });
    expect((await listActivity(b.workspaceId, { page: 1, pageSize: 25 })).total).toBe(0);

    // A's connection is untouched.
    expect((await integrationStatus(a.workspaceId)).stripe).toMatchObject({ connected: true, status: "active" });
    expect(await h.t.db.credential.count()).toBe(1);
    expect((await listActivity(a.workspaceId, { page: 1, pageSize: 25 })).total).toBe(1);

    // B connecting its own Stripe makes a separate connection and credential.
    await connectApiKey(b, "stripe", { secretKey: STRIPE_KEYS.validLive });
    expect((await readConnectionFields(a.workspaceId, { providerId: "stripe" }))?.fields.secretKey).toBe(STRIPE_KEYS.valid);
    expect((await readConnectionFields(b.workspaceId, { providerId: "stripe" }))?.fields.secretKey).toBe(STRIPE_KEYS.validLive);
  });
});

describe("getConnection", () => {
  it("says which secrets are set and shows non-secret settings only", async () => {
    const user = await signedIn(h.t.db);
    expect(await getConnection(user, { providerId: "stripe" })).toMatchObject({ connected: false, secrets: { secretKey: false, webhookSecret: false }, settings: {} });
    await connectApiKey(user, "stripe", { secretKey: STRIPE_KEYS.valid });
    const view = await getConnection(user, { providerId: "stripe" });
    expect(view).toMatchObject({ connected: true, secrets: { secretKey: true, webhookSecret: false } });
    expectNoSecrets(view);
    expect(await getConnection(user, { providerId: "linkedin" })).toMatchObject({ providerId: "linkedin", connected: false });
  });
});

describe("addresses an admin types", () => {
  it("obey the webhook address rules before anything is sent: loopback, private and metadata addresses are refused with a 400 naming the field", async () => {
    const user = await signedIn(h.t.db);
    const smtp = (host: string) => ({ host, port: "587", security: "starttls", username: "u", password: "p", fromEmail: "hi@acme.test" });
    for (const [providerId, fields, field] of [
      ["smtp", smtp("127.0.0.2"), "fields.host"],
      ["smtp", smtp("169.254.169.254"), "fields.host"],
      ["smtp", smtp("10.0.0.5"), "fields.host"],
      ["smtp", smtp("[::ffff:127.0.0.2]"), "fields.host"],
      ["odoo", { url: "http://10.1.2.3:8069", database: "db", username: "admin", apiKey: "k" }, "fields.url"],
      ["odoo", { url: "https://169.254.169.254/latest/meta-data", database: "db", username: "admin", apiKey: "k" }, "fields.url"],
      ["odoo", { url: "http://odoo.example.com", database: "db", username: "admin", apiKey: "k" }, "fields.url"],
    ] as const) {
      const refused = await rejection(connectApiKey(user, providerId, fields));
      expect(refused.status, `${providerId} ${JSON.stringify(fields)}`).toBe(400);
      expect(Object.keys(refused.fields ?? {})).toEqual([field]);
      expect(refused.message).toMatch(/^(Server|Odoo address): /);
    }
    // Nothing was tried: no activity, no connection.
    expect(await h.t.db.integrationActivity.count({ where: { workspaceId: user.workspaceId } })).toBe(0);
    expect(await h.t.db.connection.count({ where: { workspaceId: user.workspaceId } })).toBe(0);
  });
});
