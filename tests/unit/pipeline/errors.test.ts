import { describe, expect, it } from "vitest";
import { CATEGORY_POLICY, ProviderError, categoryForStatus, classifyError, parseRetryAfter } from "@/lib/integrations/kit/errors";

describe("categoryForStatus", () => {
  it.each([
    [401, "auth"],
    [403, "auth"],
    [408, "transient"],
    [425, "transient"],
    [500, "transient"],
    [502, "transient"],
    [503, "transient"],
    [599, "transient"],
    [429, "rate_limit"],
    [400, "validation"],
    [409, "validation"],
    [422, "validation"],
    [404, "permanent"],
    [405, "permanent"],
    [410, "permanent"],
    [418, "permanent"],
  ] as const)("%i → %s", (status, category) => {
    expect(categoryForStatus(status)).toBe(category);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });
  it("reads an HTTP date relative to now, and a past date as 0", () => {
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:30 GMT", new Date(now))).toBe(30_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 23:59:00 GMT", now)).toBe(0);
  });
  it("returns undefined for absent or unreadable values", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("12abc", now)).toBeUndefined();
  });
});

describe("CATEGORY_POLICY", () => {
  it("retries transient and rate_limit only; counts provider-health categories; auth marks reauth", () => {
    const pick = (key: "retryable" | "countsTowardBreaker" | "marksReauth") =>
      Object.entries(CATEGORY_POLICY)
        .filter(([, p]) => p[key])
        .map(([c]) => c)
        .sort();
    expect(pick("retryable")).toEqual(["rate_limit", "transient"]);
    expect(pick("countsTowardBreaker")).toEqual(["auth", "rate_limit", "transient"]);
    expect(pick("marksReauth")).toEqual(["auth"]);
  });
});

describe("classifyError", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");

  it("passes a ProviderError through unchanged", () => {
    const error = new ProviderError("nope", { category: "validation", statusCode: 422 });
    expect(classifyError(error)).toBe(error);
  });

  it("uses statusCode and plain-object headers (Stripe-style), keeping the provider's code", () => {
    const stripeLike = Object.assign(new Error("Too many requests"), { statusCode: 429, code: "rate_limit", headers: { "Retry-After": "2" } });
    const c = classifyError(stripeLike, now);
    expect(c).toMatchObject({ category: "rate_limit", statusCode: 429, retryAfterMs: 2000, providerCode: "rate_limit", message: "Too many requests" });
    expect(c.cause).toBe(stripeLike);
  });

  it("uses status with a Headers instance (fetch Response-like)", () => {
    const c = classifyError({ status: 503, message: "down", headers: new Headers({ "retry-after": "Tue, 01 Jan 2030 00:00:05 GMT" }) }, now);
    expect(c).toMatchObject({ category: "transient", statusCode: 503, retryAfterMs: 5000 });
  });

  it("uses response.status and response.headers (axios / SendGrid style), and a numeric code", () => {
    expect(classifyError({ message: "Unauthorized", response: { status: 401, headers: {} } })).toMatchObject({ category: "auth", statusCode: 401 });
    expect(classifyError(Object.assign(new Error("Bad Request"), { code: 400, response: { headers: {}, body: {} } }))).toMatchObject({
      category: "validation",
      statusCode: 400,
    });
    expect(classifyError({ message: "slow down", response: { status: 429, headers: { "retry-after": ["3"] } } }, now)).toMatchObject({ retryAfterMs: 3000 });
  });

  it("treats network failures as transient, including ones wrapped in fetch's cause", () => {
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
    expect(classifyError(refused)).toMatchObject({ category: "transient", providerCode: "ECONNREFUSED", message: "fetch failed: connect ECONNREFUSED 127.0.0.1:9" });
    for (const code of ["ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"]) {
      expect(classifyError(Object.assign(new Error(code), { code })).category).toBe("transient");
    }
    expect(classifyError(new Error("socket hang up")).category).toBe("transient");
    expect(classifyError(new DOMException("aborted", "AbortError")).category).toBe("transient");
    expect(classifyError(new DOMException("timed out", "TimeoutError")).category).toBe("transient");
  });

  it("falls back to permanent for anything else, without losing the message", () => {
    expect(classifyError(new Error("Cannot read properties of undefined"))).toMatchObject({ category: "permanent", message: "Cannot read properties of undefined" });
    expect(classifyError("a string")).toMatchObject({ category: "permanent", message: "a string" });
    expect(classifyError({ weird: true })).toMatchObject({ category: "permanent", message: '{"weird":true}' });
    expect(classifyError(Object.assign(new Error("not found"), { code: "ENOTFOUND" })).category).toBe("permanent");
    // A 2xx/3xx "status" on an error object is not a failed HTTP answer.
    expect(classifyError({ status: 302, message: "moved" }).category).toBe("permanent");
  });
});
