// First-run setup: while no user exists, /setup creates the first admin — but only for whoever
// holds the one-time setup token the server prints to its log at start (or SETUP_TOKEN), so a
// stranger who finds a fresh deployment first cannot take it over. Closed for good once a user exists.
import crypto from "node:crypto";
import { z } from "zod";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit";
import { ApiError } from "@/lib/http/api";
import { logger } from "@/lib/log";

const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
// Serialises setup attempts so two concurrent requests cannot both create a "first" admin.
const SETUP_LOCK_KEY = 7_411_001;

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

export async function setupIsOpen(db: Db): Promise<boolean> {
  return (await db.user.count()) === 0;
}

/**
 * Issues a setup token while the deployment has no user, and returns it (to be printed to the
 * log by the caller). Returns null once a user exists or when SETUP_TOKEN is configured.
 */
export async function issueSetupToken(db: Db, now = new Date()): Promise<string | null> {
  if (!(await setupIsOpen(db))) return null;
  if (config().SETUP_TOKEN) return null;
  const token = crypto.randomBytes(24).toString("base64url");
  await db.setupToken.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.setupToken.create({ data: { tokenHash: sha256(token), expiresAt: new Date(now.getTime() + TOKEN_TTL_MS) } });
  return token;
}

/** Prints the setup link at start-up when the deployment has no user yet. */
export async function announceSetupIfNeeded(db: Db, baseUrl: string): Promise<void> {
  const token = await issueSetupToken(db);
  if (config().SETUP_TOKEN && (await setupIsOpen(db))) {
    logger.warn("No admin exists yet. Open /setup and enter the SETUP_TOKEN you configured, or run `npm run admin:create`.", { url: `${baseUrl}/setup` });
  } else if (token) {
    // The one line where a secret is meant for the log: it is the operator's way in.
    process.stdout.write(
      `\n  No admin exists yet. Create the first one at:\n  ${baseUrl}/setup?token=${token}\n  (one-time setup token, valid 24 hours; or run: npm run admin:create -- --email you@example.com --password '…')\n\n`,
    );
  }
}

export const setupSchema = z.object({
  token: z.string().min(1, "Enter the setup token from the server log"),
  email: z.email("Enter a valid email address").transform((e) => e.trim().toLowerCase()),
  name: z.string().trim().max(120).optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
  workspaceName: z.string().trim().min(1, "Name your workspace").max(120),
});

export type SetupInput = z.infer<typeof setupSchema>;

function tokenMatches(candidate: string, expected: string): boolean {
  const a = Buffer.from(sha256(candidate));
  const b = Buffer.from(sha256(expected));
  return crypto.timingSafeEqual(a, b);
}

export async function completeSetup(db: Db, input: SetupInput, now = new Date()) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if ((await tx.user.count()) > 0) throw new ApiError(410, "Setup is closed: an admin already exists. Sign in instead.");
    const configured = config().SETUP_TOKEN;
    if (configured) {
      if (!tokenMatches(input.token, configured)) throw new ApiError(403, "That setup token is not valid");
    } else {
      const used = await tx.setupToken.updateMany({
        where: { tokenHash: sha256(input.token), usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (used.count !== 1) {
        throw new ApiError(403, "That setup token is not valid or has expired. Restart the server to print a new one.");
      }
    }
    const workspace = await tx.workspace.create({ data: { name: input.workspaceName } });
    const user = await tx.user.create({
      data: { workspaceId: workspace.id, email: input.email, name: input.name || null, passwordHash, role: "admin" },
    });
    await tx.setupToken.deleteMany({});
    await recordAudit(tx, { workspaceId: workspace.id, actor: `user:${user.email}`, action: "setup.first_admin", target: user.id });
    return { userId: user.id, workspaceId: workspace.id, email: user.email };
  });
}
