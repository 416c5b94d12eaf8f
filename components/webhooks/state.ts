// What the Webhooks pages say about an endpoint that is failing or disabled, in words: how long it
// has been failing and when it would be disabled, and that disabling keeps its messages waiting.
import type { Endpoint } from "@/components/webhooks/api";

const UNITS: [string, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 hours", "4 days", "1 minute": the largest whole unit, rounded down ("less than a minute" below one). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    const n = Math.floor(Math.max(0, ms) / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? "" : "s"}`;
  }
  return "less than a minute";
}

type FailingFields = Pick<Endpoint, "status" | "failingSince" | "autoDisableAt">;

export interface FailingNote {
  /** "Failing for 3 hours" */
  title: string;
  /** What happens to its messages, and when it is disabled if nothing gets through. */
  detail: string;
  /** "failing for 3 hours, disabled after 5 days" (the list's one-liner). */
  short: string;
}

/** For an active endpoint whose attempts have all failed since `failingSince`; null otherwise. */
export function failingNote(endpoint: FailingFields, nowMs: number): FailingNote | null {
  if (endpoint.status !== "active" || !endpoint.failingSince || !endpoint.autoDisableAt) return null;
  const since = new Date(endpoint.failingSince).getTime();
  const disablesAt = new Date(endpoint.autoDisableAt).getTime();
  const failingFor = formatDuration(nowMs - since);
  const period = formatDuration(disablesAt - since);
  return {
    title: `Failing for ${failingFor}`,
    detail:
      `Every attempt since then has failed. Nothing is lost: each message is retried on its schedule and waits while the receiver is down. ` +
      `If nothing gets through, the endpoint is disabled after ${period} of failures (in ${formatDuration(disablesAt - nowMs)}); its messages still wait until it is enabled again.`,
    short: `failing for ${failingFor}, disabled after ${period}`,
  };
}

/** The disabled endpoint's explanation: why, and that its waiting messages go out once it is enabled. */
export function disabledNote(endpoint: Pick<Endpoint, "disabledReason" | "stats">): string {
  const waiting = endpoint.stats.pending;
  const messages = waiting === 1 ? "1 message waits" : `${waiting.toLocaleString("en")} messages wait`;
  return (
    `Plugboard stopped sending to this endpoint because ${endpoint.disabledReason ?? "it kept failing"}. ` +
    `${messages} for it, new events included: fix the receiver and enable it, and they are sent. ` +
    `Messages that had used up all their retries before can be resent below.`
  );
}
