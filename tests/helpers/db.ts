// A fresh, migrated database for one test file: a new database on the PostgreSQL server
// (TEST_DB=postgres) or a new embedded PGlite server in a temporary folder (TEST_DB=pglite).
// It becomes the app's database (DATABASE_URL), so code under test uses it through getDb().
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { resetConfig } from "@/lib/config";
import { closeDb, getDb, type Db } from "@/lib/db/client";
import { startEmbeddedServer } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  db: Db;
  target: "postgres" | "pglite";
  close(): Promise<void>;
}

export async function createTestDatabase(target = (process.env.TEST_DB ?? "postgres") as "postgres" | "pglite"): Promise<TestDatabase> {
  let url: string;
  let dispose: () => Promise<void>;
  if (target === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-test-"));
    const server = await startEmbeddedServer({ dataDir: dir });
    url = server.url;
    dispose = async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const name = `plugboard_test_${crypto.randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const base = new URL(POSTGRES_ADMIN_URL);
    base.pathname = `/${name}`;
    url = base.toString();
    dispose = async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  }
  await applyMigrations(url);
  await closeDb();
  process.env.DATABASE_URL = url;
  resetConfig();
  const db = await getDb();
  return {
    url,
    db,
    target,
    async close() {
      await closeDb();
      await dispose();
    },
  };
}

/** Empties every table (between tests in one file). */
export async function truncateAll(db: Db): Promise<void> {
  const rows = await db.$queryRawUnsafe<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
  if (rows.length) await db.$executeRawUnsafe(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(", ")} CASCADE`);
}
