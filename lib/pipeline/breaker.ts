// Circuit breaker per connection. Its state lives in the Connection row, not in memory, so every
// serverless instance and every job process sees the same circuit:
//
//   closed ──(threshold consecutive counted failures)──▶ open ──(cooldown elapsed)──▶ half_open
//     ▲                                                   ▲                             │
//     └──────────────────(probe succeeds)─────────────────┼─────────────────────────────┤
//                                                         └──────(probe fails)──────────┘
//
// Every transition is a conditional UPDATE (compare-and-set on circuitState / circuitOpenedAt) and
// every counter change an atomic increment, so concurrent callers never lose an update and exactly
// one of them wins the half-open probe.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

export interface BreakerSettings {
  /** Consecutive counted failures that open the circuit (at least 1). */
  failureThreshold: number;
  /** How long an open circuit rejects calls before letting one probe through. */
  cooldownMs: number;
  /**
   * How long a half-open probe may take before another caller may probe instead — so a process
   * that died mid-probe cannot leave the circuit half-open for ever. Defaults to cooldownMs.
   */
  probeLeaseMs?: number;
}

export type BreakerDecision =
  | { allowed: true; /** This caller is the single half-open probe. */ probe: boolean }
  | { allowed: false; state: "open" | "half_open"; consecutiveFailures: number; retryAt: Date }
  /** An admin paused the connection: no call goes out, whatever the circuit says. */
  | { allowed: false; state: "paused"; pausedAt: Date };

/**
 * May a call on this connection go to the provider now? Closed: yes. Open and cooled down: the
 * one caller whose conditional update moves it to half_open gets `probe: true`; everyone else is
 * refused. A connection that does not exist is not the breaker's business: allowed.
 */
export async function acquirePermit(db: Db, connectionId: string, settings: BreakerSettings, now: Date = new Date()): Promise<BreakerDecision> {
  const row = await db.connection.findUnique({
    where: { id: connectionId },
    select: { circuitState: true, consecutiveFailures: true, circuitOpenedAt: true, pausedAt: true },
  });
  if (row?.pausedAt) return { allowed: false, state: "paused", pausedAt: row.pausedAt };
  if (!row || row.circuitState === "closed") return { allowed: true, probe: false };

  // While half-open, circuitOpenedAt holds when the current probe started (see claim below).
  const waitMs = row.circuitState === "open" ? settings.cooldownMs : (settings.probeLeaseMs ?? settings.cooldownMs);
  const since = row.circuitOpenedAt?.getTime() ?? 0;
  const retryAt = new Date(since + waitMs);
  if (now.getTime() < retryAt.getTime()) {
    return { allowed: false, state: row.circuitState, consecutiveFailures: row.consecutiveFailures, retryAt };
  }

  // Claim the probe. Only one concurrent update can match: the winner changes circuitOpenedAt to
  // `now`, so the losers' WHERE (re-checked by PostgreSQL after the winner's row lock) no longer holds.
  const cutoff = new Date(now.getTime() - waitMs);
  const claimed = await db.connection.updateMany({
    where: {
      id: connectionId,
      circuitState: row.circuitState,
      OR: [{ circuitOpenedAt: null }, { circuitOpenedAt: { lte: cutoff } }],
    },
    data: { circuitState: "half_open", circuitOpenedAt: now },
  });
  if (claimed.count === 1) return { allowed: true, probe: true };
  const leaseMs = settings.probeLeaseMs ?? settings.cooldownMs;
  return { allowed: false, state: "half_open", consecutiveFailures: row.consecutiveFailures, retryAt: new Date(now.getTime() + leaseMs) };
}

export interface BreakerOutcome {
  success: boolean;
  /** For failures: whether the category counts toward the breaker (CATEGORY_POLICY). */
  counted: boolean;
  /** Whether this call was the half-open probe. */
  probe: boolean;
}

/**
 * The statements that record one call's outcome in the breaker, to run in a batch transaction
 * (callProvider runs them together with the usage counters and the activity row).
 */
export function breakerStatements(db: Db, connectionId: string, outcome: BreakerOutcome, settings: BreakerSettings, now: Date = new Date()): Prisma.PrismaPromise<unknown>[] {
  const id = connectionId;
  const close = () =>
    db.connection.updateMany({
      where: { id, circuitState: "half_open" },
      data: { circuitState: "closed", consecutiveFailures: 0, circuitOpenedAt: null },
    });

  if (outcome.success) {
    // Only the probe closes a circuit. An ordinary success (a call that started before the circuit
    // opened) resets the streak only while the circuit is still closed.
    if (outcome.probe) return [close()];
    return [db.connection.updateMany({ where: { id, circuitState: "closed", consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } })];
  }

  if (!outcome.counted) {
    // The provider answered (the request itself was wrong), so a probe has shown it is reachable.
    // Outside a probe such failures neither extend nor reset the streak.
    return outcome.probe ? [close()] : [];
  }

  const threshold = Math.max(1, Math.floor(settings.failureThreshold));
  return [
    db.connection.updateMany({ where: { id }, data: { consecutiveFailures: { increment: 1 } } }),
    outcome.probe
      ? // The probe failed: open again, with a fresh cooldown.
        db.connection.updateMany({ where: { id, circuitState: "half_open" }, data: { circuitState: "open", circuitOpenedAt: now } })
      : // Conditional on `closed`, so concurrent failures past the threshold open it once and do not
        // keep pushing circuitOpenedAt (and the end of the cooldown) forward.
        db.connection.updateMany({
          where: { id, circuitState: "closed", consecutiveFailures: { gte: threshold } },
          data: { circuitState: "open", circuitOpenedAt: now },
        }),
  ];
}

/** Records one outcome on its own (callProvider batches these with its other writes instead). */
export async function recordBreakerOutcome(db: Db, connectionId: string, outcome: BreakerOutcome, settings: BreakerSettings, now: Date = new Date()): Promise<void> {
  const statements = breakerStatements(db, connectionId, outcome, settings, now);
  if (statements.length) await db.$transaction(statements);
}
