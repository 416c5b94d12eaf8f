// Sign-in rate limiting, counted in the database so it holds across serverless instances:
// failed attempts per account and per client address within a sliding window.
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

export async function recordLoginFailure(db: Db, email: string, address: string): Promise<void> {
  await db.loginAttempt.createMany({ data: [{ key: accountKey(email) }, { key: addressKey(address) }] });
}

export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db.loginAttempt.deleteMany({ where: { key: accountKey(email) } });
}

/** Housekeeping: attempts older than the window no longer count. */
export async function pruneLoginAttempts(db: Db, now = new Date()): Promise<number> {
  const windowStart = new Date(now.getTime() - config().LOGIN_WINDOW_MINUTES * 60_000);
  const { count } = await db.loginAttempt.deleteMany({ where: { createdAt: { lt: windowStart } } });
  return count;
}
