// `npm run db:migrate`: applies committed migrations to DATABASE_URL or the embedded database.
import { loadEnvFiles } from "@/lib/db/cli";
import { dataDir } from "@/lib/config";
import { findRunningEmbeddedServer, startEmbeddedServer } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

loadEnvFiles();
const log = (line: string) => process.stdout.write(line + "\n");
try {
  let url = process.env.DATABASE_URL ?? (await findRunningEmbeddedServer(dataDir()));
  const own = url ? undefined : await startEmbeddedServer({ dataDir: dataDir() });
  url ??= own!.url;
  const target = process.env.DATABASE_URL ? "DATABASE_URL" : `embedded database (${dataDir()})`;
  const { applied, alreadyApplied } = await applyMigrations(url, { log });
  log(`${target}: ${applied.length} applied, ${alreadyApplied} already applied`);
  await own?.stop();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
