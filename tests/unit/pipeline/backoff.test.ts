import { describe, expect, it } from "vitest";
import { backoffDelay, retryDelay } from "@/lib/pipeline/backoff";

const mid = () => 0.5; // jitter factor exactly 1
const low = () => 0; // factor 1 - jitter
const high = () => 0.999999; // factor just under 1 + jitter

describe("backoffDelay", () => {
  it("doubles from the base per attempt until the cap", () => {
    const o = { baseMs: 100, capMs: 1000, jitter: 0.3, random: mid };
    expect([1, 2, 3, 4, 5, 6, 10, 2000].map((n) => backoffDelay(n, o))).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  it("spreads by ±jitter around the (capped) value", () => {
    const o = { baseMs: 1000, capMs: 60_000, jitter: 0.3 };
    expect(backoffDelay(1, { ...o, random: low })).toBe(700);
    expect(backoffDelay(1, { ...o, random: high })).toBe(1300);
    expect(backoffDelay(3, { ...o, random: low })).toBe(2800);
    expect(backoffDelay(3, { ...o, random: high })).toBe(5200);
    expect(backoffDelay(20, { ...o, random: low })).toBe(42_000);
    expect(backoffDelay(20, { ...o, random: high })).toBe(78_000);
  });

  it("stays within bounds for any random value", () => {
    const o = { baseMs: 1000, capMs: 60_000, jitter: 0.3 };
    for (let attempt = 1; attempt <= 12; attempt++) {
      const centre = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      for (let i = 0; i <= 100; i++) {
        const r = Math.min(i / 100, 0.999999);
        const d = backoffDelay(attempt, { ...o, random: () => r });
        expect(d).toBeGreaterThanOrEqual(Math.floor(centre * 0.7));
        expect(d).toBeLessThanOrEqual(Math.ceil(centre * 1.3));
      }
    }
  });

  it("without jitter is exact, and uses Math.random by default", () => {
    expect(backoffDelay(2, { baseMs: 5, capMs: 100, jitter: 0, random: low })).toBe(10);
    const d = backoffDelay(2, { baseMs: 1000, capMs: 60_000, jitter: 0.3 });
    expect(d).toBeGreaterThanOrEqual(1400);
    expect(d).toBeLessThanOrEqual(2600);
  });

  it("clamps odd inputs instead of producing negative or infinite delays", () => {
    expect(backoffDelay(0, { baseMs: 100, capMs: 1000, jitter: 0, random: mid })).toBe(100);
    expect(backoffDelay(5000, { baseMs: 100, capMs: 1000, jitter: 0, random: mid })).toBe(1000);
    expect(backoffDelay(1, { baseMs: 100, capMs: 1000, jitter: 5, random: low })).toBe(0);
  });
});

describe("retryDelay", () => {
  const o = { baseMs: 100, capMs: 10_000, jitter: 0.3, random: low };
  it("waits the provider's Retry-After exactly, without jitter", () => {
    expect(retryDelay(1, 1000, o)).toBe(1000);
    expect(retryDelay(3, 0, o)).toBe(0);
  });
  it("caps Retry-After at the backoff cap", () => {
    expect(retryDelay(1, 3_600_000, o)).toBe(10_000);
  });
  it("falls back to exponential backoff without Retry-After", () => {
    expect(retryDelay(2, undefined, o)).toBe(140);
    expect(retryDelay(2, Number.NaN, o)).toBe(140);
  });
});
