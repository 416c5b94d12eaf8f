// The provider seam from outside: a provider registered from tests/ (tests/providers/memory-mail)
// fills the email slot and is used by template sending, and pausing a connection stops every call
// to its provider without touching another connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectApiKey } from "@/lib/connections/api-key";
import { pauseConnection, resumeConnection } from "@/lib/connections/pause";
import { integrationStatus } from "@/lib/connections/status";
import { sendTemplateEmail } from "@/lib/email";
import { providersWith, registerProvider } from "@/lib/integrations/registry";
import { createPaymentIntent } from "@/lib/payments/intents";
import { callProvider } from "@/lib/pipeline";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { MEMORY_MAIL_TOKEN, outbox } from "@/tests/providers/memory-mail/email";
import { memoryMailManifest } from "@/tests/providers/memory-mail/manifest";
import { colleague, rejection, signedIn, useHarness } from "./setup";

const h = useHarness();

describe("a provider registered from tests/", () => {
  let unregister: () => void;
  beforeAll(() => {
    unregister = registerProvider(memoryMailManifest);
  });
  afterAll(() => unregister());

  it("is listed for the email slot and picked by template sending", async () => {
    expect(providersWith("email").map((p) => p.id)).toContain("memory-mail");
    const user = await signedIn(h.t.db);
    const bad = await rejection(connectApiKey(user, "memory-mail", { token: "wrong-token-x", fromEmail: "hi@acme.test" }));
    expect(bad.status).toBe(422);
    await connectApiKey(user, "memory-mail", { token: MEMORY_MAIL_TOKEN, fromEmail: "hi@acme.test" });
    const before = outbox.length;
    const sent = await sendTemplateEmail(user.workspaceId, {
      to: "ada@example.test",
      template: "webinar_registration",
      language: "en",
      values: { name: "Ada", webinar_title: "Seams", date: "Today", join_url: "https://example.test/j" },
    });
    expect(sent).toEqual({ ok: true, provider: "memory-mail", messageId: `memory-${before + 1}` });
    expect(outbox.at(-1)).toMatchObject({ from: "hi@acme.test", email: { to: ["ada@example.test"] } });
    expect(outbox.at(-1)!.email.subject).toMatch(/Seams/);
    // Through the pipeline like any provider: one activity row on its connection.
    expect(
      await h.t.db.integrationActivity.count({
        where: { workspaceId: user.workspaceId, providerId: "memory-mail", outcome: "success", operation: "email.send.webinar_registration" },
      }),
    ).toBe(1);
  });

  it("is gone again after unregistering", () => {
    const again = registerProvider({ ...memoryMailManifest, id: "memory-mail-2" });
    expect(providersWith("email").map((p) => p.id)).toContain("memory-mail-2");
    again();
    expect(providersWith("email").map((p) => p.id)).not.toContain("memory-mail-2");
    expect(() => registerProvider(memoryMailManifest)).toThrow(/already registered/);
  });
});

describe("pause and resume", () => {
  async function twoWorkspacesWithStripe() {
    const a = await signedIn(h.t.db, "admin", "A");
    const b = await signedIn(h.t.db, "admin", "B");
    await connectApiKey(a, "stripe", { secretKey: STRIPE_KEYS.valid });
    await connectApiKey(b, "stripe", { secretKey: STRIPE_KEYS.valid });
    const [sa, sb] = await Promise.all([integrationStatus(a.workspaceId), integrationStatus(b.workspaceId)]);
    return { a, b, idA: sa.stripe!.connectionId!, idB: sb.stripe!.connectionId! };
  }

  it("a paused connection makes no provider call, says so, and leaves other connections alone", async () => {
    const { a, b, idA, idB } = await twoWorkspacesWithStripe();
    const paused = await pauseConnection(a, idA);
    expect(paused).toMatchObject({ providerId: "stripe", connectionId: idA, paused: true, connected: true });
    expect((await integrationStatus(b.workspaceId)).stripe).toMatchObject({ paused: false, connectionId: idB });

    h.fakes.stripe.reset();
    const refused = await rejection(createPaymentIntent(a, { amount: 4900, currency: "eur", metadata: {} }));
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/Stripe is paused/);
    // The pipeline itself refuses too, for callers that name the connection.
    const direct = await callProvider({ workspaceId: a.workspaceId, connectionId: idA, providerId: "stripe", operation: "balance.retrieve", actor: "test" }, async () => "called");
    expect(direct).toMatchObject({ ok: false, paused: true, attempts: 0 });
    expect(direct.ok ? "" : direct.message).toMatch(/Stripe is paused .*resume it/);
    expect(h.fakes.stripe.requests).toHaveLength(0);
    // Nothing is recorded as a failure of the connection.
    const row = await h.t.db.connection.findUniqueOrThrow({ where: { id: idA } });
    expect(row).toMatchObject({ status: "connected", consecutiveFailures: 0, errorCount: 0, lastError: null });
    expect(await h.t.db.integrationActivity.count({ where: { connectionId: idA, operation: "balance.retrieve" } })).toBe(0);

    // Workspace B's connection still works.
    const intent = await createPaymentIntent(b, { amount: 4900, currency: "eur", metadata: {} });
    expect(intent.status).toBe("requires_payment_method");

    const resumed = await resumeConnection(a, idA);
    expect(resumed).toMatchObject({ paused: false, connectionId: idA });
    expect((await createPaymentIntent(a, { amount: 4900, currency: "eur", metadata: {} })).status).toBe("requires_payment_method");
    const audit = await h.t.db.auditLog.findMany({
      where: { workspaceId: a.workspaceId, action: { in: ["integration.pause", "integration.resume"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((x) => x.action)).toEqual(["integration.pause", "integration.resume"]);
  });

  it("is idempotent, admin-only and scoped to the workspace", async () => {
    const { a, b, idA } = await twoWorkspacesWithStripe();
    await pauseConnection(a, idA);
    await pauseConnection(a, idA);
    expect(await h.t.db.auditLog.count({ where: { workspaceId: a.workspaceId, action: "integration.pause" } })).toBe(1);
    expect((await rejection(pauseConnection(b, idA))).status).toBe(404);
    const viewer = await colleague(h.t.db, a, "viewer");
    expect((await rejection(resumeConnection(viewer, idA))).status).toBe(403);
    expect((await h.t.db.connection.findUniqueOrThrow({ where: { id: idA } })).pausedAt).not.toBeNull();
  });
});
