// OAuth connections straight into the database (tokens sealed by the real vault), for tests and
// benchmarks that start from "already connected": the refresh lifecycle, concurrency, load.
import crypto from "node:crypto";
import type { Db } from "@/lib/db/client";
import { readCredential, seal } from "@/lib/vault";

export interface SeededOAuthConnection {
  workspaceId: string;
  providerId: string;
  tokens: { accessToken: string; refreshToken?: string; [secret: string]: string | undefined };
  expiresAt: Date | null;
  /** Default: an hour ago. */
  lastRefreshedAt?: Date | null;
  accountId?: string;
  accountLabel?: string;
}

/** Inserts the connections and their sealed credentials in batches; returns the connection ids in order. */
export async function seedOAuthConnections(db: Db, rows: SeededOAuthConnection[]): Promise<string[]> {
  const ids = rows.map(() => `seed${crypto.randomUUID().replace(/-/g, "")}`);
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    await db.connection.createMany({
      data: batch.map((row, j) => ({
        id: ids[i + j]!,
        workspaceId: row.workspaceId,
        providerId: row.providerId,
        authType: "oauth2" as const,
        status: "connected" as const,
        accountLabel: row.accountLabel ?? `${row.providerId} account`,
        expiresAt: row.expiresAt,
        lastRefreshedAt: row.lastRefreshedAt === undefined ? anHourAgo : row.lastRefreshedAt,
        refreshable: Boolean(row.tokens.refreshToken),
        settings: { oauth: { accountId: row.accountId ?? `account-${i + j}` } },
      })),
    });
    await db.credential.createMany({
      data: batch.map((row, j) => {
        const connectionId = ids[i + j]!;
        const secrets = Object.fromEntries(Object.entries(row.tokens).filter((e): e is [string, string] => typeof e[1] === "string"));
        return { connectionId, ...seal(secrets, { workspaceId: row.workspaceId, connectionId }) };
      }),
    });
  }
  return ids;
}

export async function seedOAuthConnection(db: Db, row: SeededOAuthConnection): Promise<string> {
  return (await seedOAuthConnections(db, [row]))[0]!;
}

/** A connection's decrypted tokens. */
export async function storedTokens(db: Db, connectionId: string): Promise<Record<string, string> | null> {
  const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { workspaceId: true } });
  return readCredential(db, { workspaceId: row.workspaceId, connectionId });
}
