// Server-side sessions behind next-auth's JWT cookie: each sign-in records a row the token names
// (`sid`), every API request checks that row is still open, and signing out closes it, so a copied
// or leftover cookie stops working at once instead of at its expiry.
import type { Db } from "@/lib/db/client";

export async function startSession(db: Db, userId: string, maxAgeSeconds: number, now = new Date()): Promise<string> {
  const row = await db.authSession.create({ data: { userId, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) }, select: { id: true } });
  return row.id;
}

export async function endSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db.authSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: now } });
}

/** The open-session condition for a user lookup: the token's session, not ended, not expired. */
export const openSession = (sessionId: string, now = new Date()) => ({ id: sessionId, endedAt: null, expiresAt: { gt: now } });

/** Drops sessions that ended or expired more than a day ago (housekeeping). */
export async function pruneSessions(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - 86_400_000);
  const { count } = await db.authSession.deleteMany({ where: { OR: [{ expiresAt: { lt: before } }, { endedAt: { lt: before } }] } });
  return count;
}
