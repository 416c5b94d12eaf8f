// The signatures against the Standard Webhooks reference implementation, and the retry schedule.
import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, RETRY_AFTER_CAP_MS, RETRY_SCHEDULE_MS, retryDelayAfter } from "@/lib/webhooks-out/schedule";
import { generateSecret, signatureHeaders, simpleSignature, standardSignature } from "@/lib/webhooks-out/signing";

describe("signing", () => {
  it("makes secrets of whsec_ + base64 of 32 random bytes", () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });

  it("produces exactly the reference library's signature, which its verify accepts", () => {
    const secret = generateSecret();
    const message = { id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", timestamp: Math.floor(Date.now() / 1000), body: '{"type":"booking.created","data":{"a":1}}' };
    const reference = new Webhook(secret);
    expect(standardSignature([secret], message)).toBe(reference.sign(message.id, new Date(message.timestamp * 1000), message.body));
    const headers = signatureHeaders([secret], message, "booking.created");
    expect(reference.verify(message.body, headers)).toEqual({ type: "booking.created", data: { a: 1 } });
    // A changed body fails.
    expect(() => reference.verify(message.body.replace("1", "2"), headers)).toThrow();
  });

  it("signs with every secret during a rotation, and the simple signature is the same HMAC in hex", () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const message = { id: "msg_x", timestamp: 1_700_000_000, body: "{}" };
    const standard = standardSignature([current, previous], message).split(" ");
    const simple = simpleSignature([current, previous], message).split(",");
    expect(standard).toHaveLength(2);
    for (const [i, secret] of [current, previous].entries()) {
      const mac = crypto
        .createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
        .update("msg_x.1700000000.{}")
        .digest();
      expect(standard[i]).toBe(`v1,${mac.toString("base64")}`);
      expect(simple[i]).toBe(`sha256=${mac.toString("hex")}`);
    }
  });
});

describe("retry schedule", () => {
  it("is now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    expect(RETRY_SCHEDULE_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(retryDelayAfter(MAX_ATTEMPTS - 1)).toBeNull();
  });

  it("spreads each wait by ±20 %", () => {
    for (let step = 0; step < MAX_ATTEMPTS - 1; step++) {
      const wait = RETRY_SCHEDULE_MS[step + 1]!;
      expect(retryDelayAfter(step, { random: () => 0 })).toBe(Math.round(wait * 0.8));
      expect(retryDelayAfter(step, { random: () => 0.5 })).toBe(wait);
      expect(retryDelayAfter(step, { random: () => 0.99999999 })).toBe(Math.round(wait * 1.2));
      for (let i = 0; i < 50; i++) {
        const d = retryDelayAfter(step)!;
        expect(d).toBeGreaterThanOrEqual(wait * 0.8 - 1);
        expect(d).toBeLessThanOrEqual(wait * 1.2 + 1);
      }
    }
  });

  it("waits at least as long as Retry-After asks, within a cap", () => {
    expect(retryDelayAfter(0, { random: () => 0.5, retryAfterMs: 60_000 })).toBe(60_000);
    expect(retryDelayAfter(2, { random: () => 0.5, retryAfterMs: 60_000 })).toBe(1_800_000);
    expect(retryDelayAfter(0, { random: () => 0.5, retryAfterMs: 30 * 86_400_000 })).toBe(RETRY_AFTER_CAP_MS);
  });
});
