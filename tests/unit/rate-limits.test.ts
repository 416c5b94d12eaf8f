// Rate limits as data: every provider declares its documented quota, RATE_LIMITS changes them
// with a readable syntax (and a clear error when it cannot be read), and the figures read well.
import { afterEach, describe, expect, it } from "vitest";
import { config, resetConfig } from "@/lib/config";
import { providers } from "@/lib/integrations/registry";
import { bucketsFor, describeRateLimit, rateLimitsInForce } from "@/lib/rate-limits";
import { parseRateLimitOverrides } from "@/lib/config/rate-limit-overrides";

afterEach(() => {
  delete process.env.RATE_LIMITS;
  resetConfig();
});

describe("provider quotas in the manifests", () => {
  it("every provider declares its quota (or that none is documented) with the source", () => {
    const whole = (n: number) => Number.isInteger(n) && n >= 1;
    for (const p of providers) {
      expect(p.rateLimits, p.id).toBeDefined();
      const { perConnection, operations, source } = p.rateLimits!;
      if (perConnection) expect(whole(perConnection.limit) && whole(perConnection.windowSeconds), p.id).toBe(true);
      for (const limit of Object.values(operations ?? {})) expect(whole(limit.limit) && whole(limit.windowSeconds), p.id).toBe(true);
      expect(source.length, p.id).toBeGreaterThan(20);
    }
    // No documented quota, no invented one: these are limited only through RATE_LIMITS.
    expect(
      providers
        .filter((p) => !p.rateLimits!.perConnection)
        .map((p) => p.id)
        .sort(),
    ).toEqual(["mailchimp", "odoo", "sendgrid", "smtp", "twilio"]);
  });

  it("uses the documented figures by default", () => {
    expect(rateLimitsInForce("stripe")).toMatchObject({ perConnection: { limit: 25, windowSeconds: 1 }, overridden: false });
    expect(rateLimitsInForce("sendgrid")).toMatchObject({ perConnection: null, operations: { "connection.test": { limit: 600, windowSeconds: 60 } } });
    expect(bucketsFor("odoo", "crm.lead.create")).toEqual([]);
    expect(rateLimitsInForce("x").operations["tweets.create"]).toEqual({ limit: 100, windowSeconds: 86_400 });
  });
});

describe("RATE_LIMITS", () => {
  it("reads provider, operation and off entries with windows in s, m, h, d or seconds", () => {
    expect(parseRateLimitOverrides("stripe=100/1s, sendgrid:mail.send=300/1m;odoo=off x=5/15m s3=7/h smtp=9/30")).toEqual([
      { providerId: "stripe", limit: { limit: 100, windowSeconds: 1 } },
      { providerId: "sendgrid", operation: "mail.send", limit: { limit: 300, windowSeconds: 60 } },
      { providerId: "odoo", limit: null },
      { providerId: "x", limit: { limit: 5, windowSeconds: 900 } },
      { providerId: "s3", limit: { limit: 7, windowSeconds: 3600 } },
      { providerId: "smtp", limit: { limit: 9, windowSeconds: 30 } },
    ]);
    expect(parseRateLimitOverrides("")).toEqual([]);
    expect(parseRateLimitOverrides(undefined)).toEqual([]);
  });

  it.each(["stripe", "stripe=100", "stripe=100/", "stripe=0/1s", "stripe=5/0s", "Stripe=5/1s", "stripe=5/1w", "=5/1s"])("refuses %j with a message naming it", (value) => {
    expect(() => parseRateLimitOverrides(value)).toThrow(value.split(/[,;\s]+/)[0]!);
  });

  it("is validated with the rest of the configuration", () => {
    process.env.RATE_LIMITS = "stripe=lots";
    resetConfig();
    expect(() => config()).toThrow(/RATE_LIMITS: "stripe=lots" is not a rate limit/);
  });

  it("overrides a provider's limit, adds or removes operation limits", () => {
    process.env.RATE_LIMITS = "stripe=100/1s,stripe:refunds.create=2/1m,x:tweets.create=off,sendgrid:connection.test=off,odoo=5/1s";
    resetConfig();
    expect(rateLimitsInForce("stripe")).toMatchObject({
      perConnection: { limit: 100, windowSeconds: 1 },
      operations: { "refunds.create": { limit: 2, windowSeconds: 60 } },
      overridden: true,
    });
    expect(bucketsFor("stripe", "refunds.create")).toEqual([
      { scope: "*", limit: 100, windowSeconds: 1 },
      { scope: "refunds.create", limit: 2, windowSeconds: 60 },
    ]);
    expect(bucketsFor("stripe", "balance.retrieve")).toEqual([{ scope: "*", limit: 100, windowSeconds: 1 }]);
    expect(bucketsFor("x", "tweets.create")).toEqual([{ scope: "*", limit: 75, windowSeconds: 900 }]);
    expect(bucketsFor("sendgrid", "connection.test")).toEqual([]);
    expect(bucketsFor("odoo", "crm.lead.create")).toEqual([{ scope: "*", limit: 5, windowSeconds: 1 }]);
    expect(bucketsFor("not-a-provider", "anything")).toEqual([]);
  });
});

describe("describeRateLimit", () => {
  it.each([
    [{ limit: 25, windowSeconds: 1 }, "25 calls per second"],
    [{ limit: 1, windowSeconds: 60 }, "1 call per minute"],
    [{ limit: 10_000, windowSeconds: 600 }, "10,000 calls per 10 minutes"],
    [{ limit: 150, windowSeconds: 86_400 }, "150 calls per 24 hours"],
    [{ limit: 7, windowSeconds: 7200 }, "7 calls per 2 hours"],
    [{ limit: 3, windowSeconds: 90 }, "3 calls per 90 seconds"],
  ])("%j reads %j", (limit, text) => {
    expect(describeRateLimit(limit)).toBe(text);
  });
});
