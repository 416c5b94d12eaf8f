// Checks an email and password, with rate limiting. Kept apart from next-auth so it is testable.
import type { Db } from "@/lib/db/client";
import { timingDummyHash, verifyPassword } from "@/lib/auth/password";
import { releaseLoginAttempt, reserveLoginAttempt } from "@/lib/auth/rate-limit";
import { logger } from "@/lib/log";

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "viewer";
  workspaceId: string;
  workspaceName: string;
}

export type SignInResult = { ok: true; user: SignedInUser } | { ok: false; message: string };

export const WRONG_CREDENTIALS = "Wrong email or password";

export async function signInWithPassword(db: Db, emailInput: string, password: string, address: string): Promise<SignInResult> {
  const email = emailInput.trim().toLowerCase();
  if (!email || !password) return { ok: false, message: "Enter your email and password" };
  // Counted before the password is checked, so concurrent guesses cannot get past the limit.
  const verdict = await reserveLoginAttempt(db, email, address);
  if (!verdict.allowed) {
    const minutes = Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60));
    logger.warn("sign-in rate limited", { email, address });
    return { ok: false, message: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
  }
  const user = await db.user.findUnique({ where: { email }, include: { workspace: { select: { name: true } } } });
  const valid = await verifyPassword(password, user?.passwordHash ?? (await timingDummyHash()));
  if (!user || !valid) {
    // The reservation stays: it is the failure's record.
    logger.info("sign-in failed", { email, address });
    return { ok: false, message: WRONG_CREDENTIALS };
  }
  await releaseLoginAttempt(db, email, verdict);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  logger.info("sign-in", { email, address });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, workspaceId: user.workspaceId, workspaceName: user.workspace.name },
  };
}
