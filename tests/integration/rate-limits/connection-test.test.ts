// The Test button under a rate limit: a test the limit refuses never reaches the provider and
// leaves the connection as it was (it says nothing about the credentials).
import { afterEach, beforeEach, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { connectApiKey, testConnection } from "@/lib/connections/api-key";
import { STRIPE_KEYS } from "@/tests/fakes/serve";
import { signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();
beforeEach(() => {
  process.env.RATE_LIMITS = "stripe:connection.test=2/1d";
  resetConfig();
});
afterEach(() => {
  delete process.env.RATE_LIMITS;
  resetConfig();
});

it("answers rate_limit without calling Stripe and keeps the connection's state", async () => {
  const admin = await signedIn(h.t.db);
  await connectApiKey(admin, "stripe", { secretKey: STRIPE_KEYS.valid });
  expect((await testConnection(admin, "stripe")).ok).toBe(true);
  const before = h.fakes.stripe.requests.length;

  const refused = await testConnection(admin, "stripe");
  expect(refused).toMatchObject({ ok: false, category: "rate_limit", attempts: 0, status: { status: "active", connectionStatus: "connected", lastError: null } });
  expect(refused.message).toMatch(/Rate limit for Stripe connection\.test reached \(2 calls per 24 hours\)/);
  expect(h.fakes.stripe.requests.length).toBe(before);
});
