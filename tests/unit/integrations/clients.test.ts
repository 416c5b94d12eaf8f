// The provider clients drive the real SDKs against the fake servers (no database): labels,
// error categories, Retry-After, and that concurrent SendGrid calls never share a key.
import sgMail from "@sendgrid/mail";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classifySendGridError, createSendGrid, sendgridAdapter } from "@/lib/integrations/sendgrid/client";
import { classifyStripeError, createStripeClient, describeBalance, stripeAdapter } from "@/lib/integrations/stripe/client";
import { scrubSecrets } from "@/lib/integrations/kit/secrets";
import { ProviderError } from "@/lib/integrations/kit/errors";
import { ANY_FREE_PORTS, startFakeProviders, type FakeProviders } from "@/tests/fakes/serve";
import { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
import { maskStripeKey, STRIPE_KEYS } from "@/tests/fakes/stripe";

let fakes: FakeProviders;
const saved: Record<string, string | undefined> = {};
const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 5_000 });

async function failure(fn: () => Promise<unknown>, classify: (e: unknown) => ProviderError): Promise<ProviderError> {
  try {
    await fn();
  } catch (error) {
    return classify(error);
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  fakes = await startFakeProviders(ANY_FREE_PORTS);
  for (const [k, v] of Object.entries(fakes.env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fakes?.close();
});
beforeEach(() => {
  fakes.stripe.reset();
  fakes.sendgrid.reset();
});

describe("Stripe client", () => {
  it("labels the account from the balance: mode and currencies", async () => {
    expect(await stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.valid }, ctx())).toEqual({ accountLabel: "Stripe (test mode) · EUR, USD" });
    expect((await stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.validLive }, ctx())).accountLabel).toMatch(/^Stripe \(live mode\)/);
    const [request] = fakes.stripe.requests;
    expect(request).toMatchObject({ method: "GET", path: "/v1/balance" });
    expect(request!.headers.authorization).toBe(`Bearer ${STRIPE_KEYS.valid}`);
    expect(describeBalance({ livemode: false, available: [], pending: [] })).toBe("Stripe (test mode)");
  });

  it("makes exactly one request per call: the SDK's own retries are off", async () => {
    fakes.stripe.failNext({ status: 500 }, 3);
    const e = await failure(() => stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.valid }, ctx()), classifyStripeError);
    expect(e).toMatchObject({ category: "transient", statusCode: 500 });
    expect(fakes.stripe.requests).toHaveLength(1);
  });

  it("classifies an unknown key as auth, a missing permission as auth, with Stripe's words", async () => {
    const bad = await failure(() => stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.invalid }, ctx()), classifyStripeError);
    expect(bad).toMatchObject({ category: "auth", statusCode: 401 });
    expect(bad.message).toContain("Invalid API Key provided");
    expect(bad.message).toContain(maskStripeKey(STRIPE_KEYS.invalid));
    expect(scrubSecrets(bad.message, { secretKey: STRIPE_KEYS.invalid })).not.toMatch(/sk_test_\*|0009/);
    const restricted = await failure(() => stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.restrictedNoBalance }, ctx()), classifyStripeError);
    expect(restricted).toMatchObject({ category: "auth", statusCode: 403 });
    expect(restricted.message).toMatch(/grant read access to Balance/);
  });

  it("classifies 429 with Retry-After as rate_limit and carries the wait", async () => {
    fakes.stripe.failNext({ status: 429, retryAfter: 7 });
    const e = await failure(() => stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.valid }, ctx()), classifyStripeError);
    expect(e).toMatchObject({ category: "rate_limit", statusCode: 429, retryAfterMs: 7_000, providerCode: "rate_limit" });
  });

  it("maps each Stripe SDK error class onto our categories", () => {
    const E = Stripe.errors;
    const cases: [Error, string][] = [
      [new E.StripeAuthenticationError({ message: "x", statusCode: 401 }), "auth"],
      [new E.StripePermissionError({ message: "x", statusCode: 403 }), "auth"],
      [new E.StripeRateLimitError({ message: "x", statusCode: 429 }), "rate_limit"],
      [new E.StripeConnectionError({ message: "x" }), "transient"],
      [new E.StripeAPIError({ message: "x", statusCode: 500 }), "transient"],
      [new E.StripeAPIError({ message: "x", statusCode: 503 }), "transient"],
      [new E.StripeInvalidRequestError({ message: "x", statusCode: 400 }), "validation"],
      [new E.StripeCardError({ message: "Your card was declined.", statusCode: 402 }), "permanent"],
    ];
    for (const [error, category] of cases) expect([error.constructor.name, classifyStripeError(error).category]).toEqual([error.constructor.name, category]);
    // Not a Stripe error: the pipeline's generic rules.
    expect(classifyStripeError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })).category).toBe("transient");
  });

  it("refuses a STRIPE_API_BASE with a path, which the SDK would silently drop", () => {
    const old = process.env.STRIPE_API_BASE;
    process.env.STRIPE_API_BASE = `${fakes.stripe.url}/proxy`;
    try {
      expect(() => createStripeClient(STRIPE_KEYS.valid)).toThrow(/must not contain a path/);
    } finally {
      process.env.STRIPE_API_BASE = old;
    }
  });

  it("reports a provider that cannot be reached as transient", async () => {
    const old = process.env.STRIPE_API_BASE;
    process.env.STRIPE_API_BASE = "http://127.0.0.1:1";
    try {
      const e = await failure(() => stripeAdapter.testConnection({ secretKey: STRIPE_KEYS.valid }, ctx()), classifyStripeError);
      expect(e.category).toBe("transient");
      expect(e.message).toMatch(/Could not reach Stripe/);
    } finally {
      process.env.STRIPE_API_BASE = old;
    }
  });
});

describe("SendGrid client", () => {
  it("labels by account email when the key may read it, else by its permissions", async () => {
    const full = await sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.valid, fromEmail: "a@example.com" }, ctx());
    expect(full.accountLabel).toBe("SendGrid · owner@plugboard.test");
    expect(full.grantedScopes).toContain("mail.send");
    const sendOnly = await sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.sendOnly, fromEmail: "a@example.com" }, ctx());
    expect(sendOnly).toEqual({ accountLabel: "SendGrid · 1 permission", grantedScopes: ["mail.send"] });
    expect(fakes.sendgrid.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v3/scopes", "GET /v3/user/email", "GET /v3/scopes"]);
  });

  it("refuses a key without Mail Send, and an unknown key, as auth failures", async () => {
    const noSend = await failure(() => sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.noMailSend }, ctx()), classifySendGridError);
    expect(noSend).toMatchObject({ category: "auth" });
    expect(noSend.message).toMatch(/Mail Send permission/);
    const bad = await failure(() => sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.invalid }, ctx()), classifySendGridError);
    expect(bad).toMatchObject({ category: "auth", statusCode: 401 });
    expect(bad.message).toMatch(/SendGrid rejected the API key: The provided authorization grant is invalid/);
  });

  it("honours Retry-After, else X-RateLimit-Reset, on 429; 5xx is transient", async () => {
    fakes.sendgrid.failNext({ status: 429, retryAfter: 4 });
    const limited = await failure(() => sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.valid }, ctx()), classifySendGridError);
    expect(limited).toMatchObject({ category: "rate_limit", statusCode: 429, retryAfterMs: 4_000 });
    fakes.sendgrid.failNext({ status: 429, headers: { "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 30) } });
    const reset = await failure(() => sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.valid }, ctx()), classifySendGridError);
    expect(reset.retryAfterMs).toBeGreaterThan(25_000);
    expect(reset.retryAfterMs).toBeLessThanOrEqual(31_000);
    fakes.sendgrid.failNext({ status: 503 });
    expect((await failure(() => sendgridAdapter.testConnection({ apiKey: SENDGRID_KEYS.valid }, ctx()), classifySendGridError)).category).toBe("transient");
  });

  it("keeps concurrent calls with different keys apart, and leaves the module singleton alone", async () => {
    const keys = [SENDGRID_KEYS.valid, SENDGRID_KEYS.sendOnly];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sendgridAdapter.testConnection({ apiKey: keys[i % 2]! }, ctx())));
    results.forEach((r, i) => expect(r.accountLabel).toBe(i % 2 === 0 ? "SendGrid · owner@plugboard.test" : "SendGrid · 1 permission"));
    // Every recorded request carried one of the two keys, and each key's requests are its own.
    const scopesCalls = fakes.sendgrid.requests.filter((r) => r.path === "/v3/scopes");
    expect(scopesCalls).toHaveLength(20);
    expect(new Set(scopesCalls.map((r) => r.headers.authorization))).toEqual(new Set(keys.map((k) => `Bearer ${k}`)));
    // The shared @sendgrid/mail instance was never configured by us.
    const shared = (sgMail as unknown as { client: { auth: string; defaultRequest: { baseUrl: string } } }).client;
    expect(shared.auth).toBe("");
    expect(shared.defaultRequest.baseUrl).toBe("https://api.sendgrid.com/");
  });

  it("points the SDK at SENDGRID_API_BASE even though setApiKey resets the base URL", () => {
    const { http } = createSendGrid(SENDGRID_KEYS.valid);
    expect((http as unknown as { defaultRequest: { baseUrl: string } }).defaultRequest.baseUrl).toBe(`${fakes.sendgrid.url}/`);
  });

  it("sends mail through the fake with the per-connection instance", async () => {
    const { mail } = createSendGrid(SENDGRID_KEYS.sendOnly);
    const [response] = await mail.send({ to: "customer@example.com", from: "hello@example.com", subject: "Hi", text: "Hello" });
    expect(response.statusCode).toBe(202);
    expect(fakes.sendgrid.sent).toHaveLength(1);
  });
});

describe("scrubSecrets", () => {
  it("removes submitted values, Stripe's masked echo and anything that looks like a credential", () => {
    const out = scrubSecrets(
      `bad key ${STRIPE_KEYS.valid}; Invalid API Key provided: ${maskStripeKey("sk_test_abcdefgh1234")}; also SG.abcdefgh.ijklmnop and custom-secret-value`,
      {
        secretKey: STRIPE_KEYS.valid,
        other: "custom-secret-value",
      },
    );
    expect(out).not.toContain(STRIPE_KEYS.valid);
    expect(out).not.toContain("1234");
    expect(out).not.toContain("custom-secret-value");
    expect(out).not.toContain("SG.abcdefgh");
  });
});
