// How the numbers of one connection's window become a verdict — healthy, unhealthy or no
// activity — and the reasons for it, in words (English for the dashboard and events; the alert
// email says them in the admin's language). Pure: no database, so every edge is easy to test.
import type { CircuitState } from "@/lib/generated/prisma/enums";

export type HealthStatus = "healthy" | "unhealthy" | "no_activity";

export interface HealthThresholds {
  /** Unhealthy above this error rate, in percent (10 → 10 % of calls failed is still healthy). */
  maxErrorRatePercent: number;
  /** Unhealthy above this average latency. */
  maxAvgLatencyMs: number;
  /** Unhealthy at this many failures in a row. */
  maxConsecutiveFailures: number;
}

export interface HealthMetrics {
  /** Calls that reached the provider (successes and failures) in the window. */
  calls: number;
  failures: number;
  /** Average over those calls in whole milliseconds, as shown (null without calls). */
  avgLatencyMs: number | null;
  /** Failures since the last success in the window. */
  consecutiveFailures: number;
  circuitState: CircuitState;
}

export type HealthProblem =
  | { kind: "error_rate"; percent: number; thresholdPercent: number }
  | { kind: "latency"; avgMs: number; thresholdMs: number }
  | { kind: "consecutive_failures"; count: number; threshold: number }
  | { kind: "circuit"; state: "open" | "half_open" };

export interface HealthVerdict {
  status: HealthStatus;
  problems: HealthProblem[];
}

export function judgeHealth(m: HealthMetrics, t: HealthThresholds): HealthVerdict {
  const problems: HealthProblem[] = [];
  // failures/calls > max%, compared as failures·100 > calls·max so 1 failure in 10 is exactly 10 %.
  if (m.calls > 0 && m.failures * 100 > m.calls * t.maxErrorRatePercent) {
    problems.push({ kind: "error_rate", percent: (m.failures * 100) / m.calls, thresholdPercent: t.maxErrorRatePercent });
  }
  if (m.avgLatencyMs !== null && m.avgLatencyMs > t.maxAvgLatencyMs) {
    problems.push({ kind: "latency", avgMs: m.avgLatencyMs, thresholdMs: t.maxAvgLatencyMs });
  }
  if (m.consecutiveFailures >= t.maxConsecutiveFailures) {
    problems.push({ kind: "consecutive_failures", count: m.consecutiveFailures, threshold: t.maxConsecutiveFailures });
  }
  if (m.circuitState !== "closed") problems.push({ kind: "circuit", state: m.circuitState });
  const status: HealthStatus = problems.length ? "unhealthy" : m.calls === 0 ? "no_activity" : "healthy";
  return { status, problems };
}

export type ReasonLanguage = "en" | "de";

const WORDS: Record<ReasonLanguage, { locale: string; describe: (p: HealthProblem, n: (v: number, digits?: number) => string) => string }> = {
  en: {
    locale: "en-US",
    describe: (p, n) => {
      switch (p.kind) {
        case "error_rate":
          return `High error rate: ${n(p.percent, 1)}%`;
        case "latency":
          return `High average latency: ${n(p.avgMs)} ms`;
        case "consecutive_failures":
          return `${n(p.count)} consecutive failures`;
        case "circuit":
          return p.state === "open" ? "Circuit breaker open" : "Circuit breaker half-open";
      }
    },
  },
  de: {
    locale: "de-DE",
    describe: (p, n) => {
      switch (p.kind) {
        case "error_rate":
          return `Hohe Fehlerquote: ${n(p.percent, 1)} %`;
        case "latency":
          return `Hohe durchschnittliche Antwortzeit: ${n(p.avgMs)} ms`;
        case "consecutive_failures":
          return `${n(p.count)} Fehlschläge in Folge`;
        case "circuit":
          return p.state === "open" ? "Schutzschalter offen" : "Schutzschalter halb offen";
      }
    },
  },
};

/** The problems as sentences: `High error rate: 23.0%`, `High average latency: 5,200 ms`, … */
export function describeProblems(problems: HealthProblem[], language: ReasonLanguage = "en"): string[] {
  const words = WORDS[language];
  const n = (value: number, digits = 0) => value.toLocaleString(words.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return problems.map((p) => words.describe(p, n));
}
