// The verdict on one connection's numbers, at the edge of every threshold, and the reasons in
// words (English and German).
import { describe, expect, it } from "vitest";
import { describeProblems, judgeHealth, type HealthMetrics, type HealthThresholds } from "@/lib/health/judge";

const DEFAULTS: HealthThresholds = { maxErrorRatePercent: 10, maxAvgLatencyMs: 5_000, maxConsecutiveFailures: 5 };
const metrics = (over: Partial<HealthMetrics> = {}): HealthMetrics => ({ calls: 100, failures: 0, avgLatencyMs: 200, consecutiveFailures: 0, circuitState: "closed", ...over });
const verdict = (over: Partial<HealthMetrics>, t = DEFAULTS) => {
  const v = judgeHealth(metrics(over), t);
  return { status: v.status, reasons: describeProblems(v.problems) };
};

describe("error rate (unhealthy above 10 %)", () => {
  it.each([
    [{ calls: 10, failures: 1 }, "healthy"],
    [{ calls: 100, failures: 10 }, "healthy"],
    [{ calls: 1000, failures: 101 }, "unhealthy"],
    [{ calls: 100, failures: 11 }, "unhealthy"],
    [{ calls: 9, failures: 1 }, "unhealthy"],
  ] as const)("%j is %s", (over, status) => {
    expect(verdict(over).status).toBe(status);
  });

  it("says the rate with one decimal", () => {
    expect(verdict({ calls: 100, failures: 23 }).reasons).toEqual(["High error rate: 23.0%"]);
    expect(verdict({ calls: 13, failures: 3 }).reasons).toEqual(["High error rate: 23.1%"]);
    expect(verdict({ calls: 1000, failures: 101 }).reasons).toEqual(["High error rate: 10.1%"]);
  });
});

describe("average latency (unhealthy above 5,000 ms)", () => {
  it("5,000 ms is healthy; anything above is not", () => {
    expect(verdict({ avgLatencyMs: 5_000 })).toEqual({ status: "healthy", reasons: [] });
    expect(verdict({ avgLatencyMs: 5_001 })).toEqual({ status: "unhealthy", reasons: ["High average latency: 5,001 ms"] });
    expect(verdict({ avgLatencyMs: 5_200 })).toEqual({ status: "unhealthy", reasons: ["High average latency: 5,200 ms"] });
  });
});

describe("consecutive failures (unhealthy at 5)", () => {
  it("4 in a row is healthy, 5 is not", () => {
    expect(verdict({ consecutiveFailures: 4, failures: 4 })).toEqual({ status: "healthy", reasons: [] });
    expect(verdict({ consecutiveFailures: 5, failures: 5 })).toEqual({ status: "unhealthy", reasons: ["5 consecutive failures"] });
  });
});

describe("circuit breaker", () => {
  it("an open or half-open circuit is unhealthy, even without calls in the window", () => {
    expect(verdict({ circuitState: "open" })).toEqual({ status: "unhealthy", reasons: ["Circuit breaker open"] });
    expect(verdict({ circuitState: "half_open", calls: 0, failures: 0, avgLatencyMs: null })).toEqual({ status: "unhealthy", reasons: ["Circuit breaker half-open"] });
  });
});

describe("status", () => {
  it("is no_activity without calls and without problems", () => {
    expect(verdict({ calls: 0, failures: 0, avgLatencyMs: null })).toEqual({ status: "no_activity", reasons: [] });
  });

  it("lists every problem, in a fixed order", () => {
    expect(verdict({ calls: 10, failures: 6, avgLatencyMs: 12_345, consecutiveFailures: 6, circuitState: "open" }).reasons).toEqual([
      "High error rate: 60.0%",
      "High average latency: 12,345 ms",
      "6 consecutive failures",
      "Circuit breaker open",
    ]);
  });

  it("follows configured thresholds", () => {
    const strict: HealthThresholds = { maxErrorRatePercent: 1, maxAvgLatencyMs: 100, maxConsecutiveFailures: 2 };
    expect(verdict({ calls: 100, failures: 2, avgLatencyMs: 101, consecutiveFailures: 2 }, strict).reasons).toEqual([
      "High error rate: 2.0%",
      "High average latency: 101 ms",
      "2 consecutive failures",
    ]);
    expect(verdict({ calls: 100, failures: 1, avgLatencyMs: 100, consecutiveFailures: 1 }, strict).status).toBe("healthy");
  });
});

describe("reasons in German", () => {
  it("uses German words and number formats", () => {
    const v = judgeHealth(metrics({ calls: 100, failures: 23, avgLatencyMs: 5_200, consecutiveFailures: 7, circuitState: "half_open" }), DEFAULTS);
    expect(describeProblems(v.problems, "de")).toEqual([
      "Hohe Fehlerquote: 23,0 %",
      "Hohe durchschnittliche Antwortzeit: 5.200 ms",
      "7 Fehlschläge in Folge",
      "Schutzschalter halb offen",
    ]);
  });
});
