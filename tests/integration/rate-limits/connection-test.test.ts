// The Test button under a rate limit: a test the limit refuses never reaches the provider and
// leaves the connection as it was (it says nothing about the credentials).
import { afterEach, beforeEach, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { connectApiKey, testConnection } from "@/lib/connections/api-key";
import { STRIPE_KEYS } from "@/tests/fakes/serve";
import type { ApiError } from "@/lib/http/api";
import { createPaymentIntent } from "@/lib/payments/intents";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";

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
  expect((await testConnection(admin, { providerId: "stripe" })).ok).toBe(true);
  const before = h.fakes.stripe.requests.length;

  const refused = await testConnection(admin, { providerId: "stripe" });
  expect(refused).toMatchObject({ ok: false, category: "rate_limit", attempts: 0, status: { status: "active", connectionStatus: "connected", lastError: null } });
  expect(refused.message).toMatch(/Rate limit for Stripe connection\.test reached \(2 calls per 24 hours\)/);
  expect(h.fakes.stripe.requests.length).toBe(before);
});

it("a call refused by Plugboard's own limit answers 429 with Retry-After from the window, not 502", async () => {
  process.env.RATE_LIMITS = "stripe:paymentIntents.create=1/1h";
  resetConfig();
  const admin = await signedIn(h.t.db);
  await connectApiKey(admin, "stripe", { secretKey: STRIPE_KEYS.valid });
  await createPaymentIntent(admin, { amount: 4900, currency: "eur", metadata: {} });
  const before = h.fakes.stripe.requests.length;
  const refused = await rejection(createPaymentIntent(admin, { amount: 4900, currency: "eur", metadata: {} }));
  expect(refused.status).toBe(429);
  const retryAfter = Number((refused as ApiError).headers?.["retry-after"]);
  // Windows are whole hours: the refusal lasts until the current one ends.
  const untilWindowEnds = 3600 - (Math.floor(Date.now() / 1000) % 3600);
  expect(Math.abs(retryAfter - untilWindowEnds)).toBeLessThanOrEqual(2);
  expect(refused.message).toMatch(new RegExp(`Try again in ${retryAfter} s`));
  expect(h.fakes.stripe.requests.length).toBe(before);
});
