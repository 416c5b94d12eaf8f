// Database access for command-line tools (db:migrate, admin:create, vault:rotate, jobs/): the
// configured server, else the embedded server a running app already serves, else the embedded
// data folder opened by this process for the duration of the command.
import nextEnv from "@next/env";
import { dataDir, resetConfig } from "@/lib/config";
import { closeDb, getDb, type Db } from "@/lib/db/client";
import { findRunningEmbeddedServer, startEmbeddedServer, type EmbeddedServer } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

/** Loads .env files the way Next does, so CLIs see the same configuration as the app. */
export function loadEnvFiles(): void {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
  resetConfig();
}

export interface CliDatabase {
  url: string;
  db: Db;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openCliDatabase(options: { migrate?: boolean } = { migrate: true }): Promise<CliDatabase> {
  loadEnvFiles();
  const embedded = !process.env.DATABASE_URL || process.env.PLUGBOARD_EMBEDDED === "1";
  let url = process.env.DATABASE_URL;
  let own: EmbeddedServer | undefined;
  if (!url) {
    url = (await findRunningEmbeddedServer(dataDir())) ?? undefined;
    if (!url) {
      own = await startEmbeddedServer({ dataDir: dataDir() });
      url = own.url;
    }
    // Applying pending migrations is always safe on the embedded default.
    if (options.migrate !== false) await applyMigrations(url);
    process.env.DATABASE_URL = url;
    process.env.PLUGBOARD_EMBEDDED = "1";
    resetConfig();
  }
  const db = await getDb();
  return {
    url,
    db,
    embedded,
    async close() {
      await closeDb();
      await own?.stop();
    },
  };
}

/** Runs a CLI body with a database and exits with a clear message on failure. */
export async function runCli(body: (database: CliDatabase) => Promise<void>, options?: { migrate?: boolean }): Promise<void> {
  let database: CliDatabase | undefined;
  try {
    database = await openCliDatabase(options);
    await body(database);
    await database.close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    await database?.close().catch(() => {});
    process.exit(1);
  }
}
