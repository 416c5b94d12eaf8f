// Start-up checks shared by the launcher and every server instance: configuration that would
// make the app unsafe stops it with a message saying what to set.
import { config, usesEmbeddedDatabase } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { announceSetupIfNeeded } from "@/lib/auth/setup";
import { loadKeyring } from "@/lib/vault/keys";
import { logger } from "@/lib/log";

export function checkConfiguration(): void {
  const cfg = config(); // throws on malformed values
  loadKeyring(); // throws on a missing (external database) or malformed key
  if (!cfg.NEXTAUTH_SECRET || cfg.NEXTAUTH_SECRET.length < 32) {
    throw new Error("NEXTAUTH_SECRET must be set to at least 32 random characters (sessions are signed with it): openssl rand -base64 32");
  }
  if (!cfg.CRON_SECRET && !usesEmbeddedDatabase()) {
    logger.warn("CRON_SECRET is not set: every /api/cron route will refuse requests until it is");
  }
}

export async function startupChecks(): Promise<void> {
  try {
    checkConfiguration();
  } catch (error) {
    process.stderr.write(`\nPlugboard cannot start: ${(error as Error).message}\n\n`);
    throw error;
  }
  try {
    const db = await getDb();
    const base = process.env.NEXTAUTH_URL ?? (process.env.VERCEL_URL ? `https://${process.env.VERCEL_URL}` : "http://localhost:3000");
    await announceSetupIfNeeded(db, base);
  } catch (error) {
    // A database that is down at start is reported by /api/health; do not crash-loop on it.
    logger.error("start-up: could not check for a first admin", { error });
  }
}
