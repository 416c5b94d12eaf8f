// Sign-in rate limiting, counted in the database so it holds across serverless instances:
// failed attempts per account and per client address within a sliding window.
//
// An attempt is counted BEFORE its password is checked (reserveLoginAttempt), under a transaction-
// scoped advisory lock per key, so a burst of concurrent guesses cannot all pass the count: at most
// the limit are ever checked. A failed check keeps its reservation as the failure record; a
// successful one gives it back.
import type { Db } from "@/lib/db/client";
import { config } from "@/lib/config";

export interface LoginLimitVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const addressKey = (address: string) => `address:${address}`;

export async function checkLoginAllowed(db: Db, email: string, address: string, now = new Date()): Promise<LoginLimitVerdict> {
  const cfg = config();
  const windowStart = new Date(now.getTime() - cfg.LOGIN_WINDOW_MINUTES * 60_000);
  const limits: [string, number][] = [
    [accountKey(email), cfg.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT],
    [addressKey(address), cfg.LOGIN_MAX_ATTEMPTS_PER_ADDRESS],
  ];
  let retryAfterMs = 0;
  for (const [key, max] of limits) {
    const attempts = await db.loginAttempt.findMany({
      where: { key, createdAt: { gt: windowStart } },
      orderBy: { createdAt: "desc" },
      take: max,
      select: { createdAt: true },
    });
    if (attempts.length >= max) {
      // Allowed again once the oldest of the last `max` failures leaves the window.
      const oldest = attempts[attempts.length - 1]!.createdAt.getTime();
      retryAfterMs = Math.max(retryAfterMs, oldest + cfg.LOGIN_WINDOW_MINUTES * 60_000 - now.getTime());
    }
  }
  return { allowed: retryAfterMs <= 0, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) };
}

export type LoginReservation = { allowed: true; accountAttemptId: string; addressAttemptId: string } | { allowed: false; retryAfterSeconds: number };

/** Counts this attempt against both limits, atomically with the check that there is room for it. */
export async function reserveLoginAttempt(db: Db, email: string, address: string, now = new Date()): Promise<LoginReservation> {
  const keys = [accountKey(email), addressKey(address)];
  return db.$transaction(
    async (tx) => {
      // Same order everywhere, so two reservations never wait on each other's second lock.
      for (const key of [...keys].sort()) await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))::text`;
      const verdict = await checkLoginAllowed(tx as unknown as Db, email, address, now);
      if (!verdict.allowed) return { allowed: false, retryAfterSeconds: verdict.retryAfterSeconds };
      const account = await tx.loginAttempt.create({ data: { key: keys[0]!, createdAt: now }, select: { id: true } });
      const byAddress = await tx.loginAttempt.create({ data: { key: keys[1]!, createdAt: now }, select: { id: true } });
      return { allowed: true, accountAttemptId: account.id, addressAttemptId: byAddress.id };
      // A burst queues on the locks (and on the embedded database's single connection): wait for a turn.
    },
    { maxWait: 15_000, timeout: 15_000 },
  );
}

/** After a successful sign-in: the account's failures are forgotten and this attempt no longer counts for the address. */
export async function releaseLoginAttempt(db: Db, email: string, reservation: { addressAttemptId: string }): Promise<void> {
  await db.loginAttempt.deleteMany({ where: { OR: [{ key: accountKey(email) }, { id: reservation.addressAttemptId }] } });
}

/** Housekeeping: attempts older than the window no longer count. */
export async function pruneLoginAttempts(db: Db, now = new Date()): Promise<number> {
  const windowStart = new Date(now.getTime() - config().LOGIN_WINDOW_MINUTES * 60_000);
  const { count } = await db.loginAttempt.deleteMany({ where: { createdAt: { lt: windowStart } } });
  return count;
}
