// `npm run dev` / `npm start`: one command from a fresh clone to a running Plugboard.
// Without DATABASE_URL it serves the embedded database from the data folder, applies pending
// migrations, and generates the local secrets it needs there; then it runs Next and stops
// everything together.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config, dataDir, resetConfig } from "@/lib/config";
import { loadEnvFiles } from "@/lib/db/cli";
import { startEmbeddedServer, type EmbeddedServer } from "@/lib/db/embedded";
import { applyMigrations, pendingMigrations } from "@/lib/db/migrate";

const mode = process.argv[2] === "start" ? "start" : "dev";
const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
if (mode === "start") (process.env as Record<string, string>).NODE_ENV ??= "production";
loadEnvFiles();

const log = (line: string) => process.stdout.write(`[plugboard] ${line}\n`);

function localSecret(file: string, make: () => string, what: string): string {
  const full = path.join(dataDir(), file);
  if (fs.existsSync(full)) return fs.readFileSync(full, "utf8").trim();
  fs.mkdirSync(path.dirname(full), { recursive: true });
  const value = make();
  fs.writeFileSync(full, value + "\n", { mode: 0o600 });
  log(`warning: ${what} is not set; generated one into ${path.relative(root, full)} (set it in the environment for a real deployment)`);
  return value;
}

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  let embedded: EmbeddedServer | undefined;

  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedServer({ dataDir: dataDir(), port: config().EMBEDDED_DB_PORT });
    process.env.DATABASE_URL = embedded.url;
    process.env.PLUGBOARD_EMBEDDED = "1";
    resetConfig();
    const { applied } = await applyMigrations(embedded.url, { log });
    log(`embedded database in ${path.relative(root, dataDir()) || "."} on 127.0.0.1:${embedded.port}${applied.length ? "" : " (schema up to date)"}`);
    process.env.NEXTAUTH_SECRET ??= localSecret("nextauth.secret", () => crypto.randomBytes(32).toString("base64"), "NEXTAUTH_SECRET");
    resetConfig();
  } else {
    const pending = await pendingMigrations(process.env.DATABASE_URL);
    if (pending.length) log(`warning: ${pending.length} migration(s) not applied to DATABASE_URL; run: npm run db:migrate`);
  }

  // Fail here, with the reason, rather than inside Next's logs.
  const { checkConfiguration } = await import("@/lib/startup");
  try {
    checkConfiguration();
  } catch (error) {
    process.stderr.write(`\nPlugboard cannot start: ${(error as Error).message}\n\n`);
    await embedded?.stop();
    process.exit(1);
  }

  const next = path.join(root, "node_modules/.bin/next");
  if (mode === "start" && !fs.existsSync(path.join(root, ".next/BUILD_ID"))) {
    log("no production build yet: running next build");
    const build = spawnSync(next, ["build"], { stdio: "inherit", env: process.env });
    if (build.status !== 0) {
      await embedded?.stop();
      process.exit(build.status ?? 1);
    }
  }

  const child = spawn(next, [mode, "-p", String(port), ...(process.env.HOSTNAME ? ["-H", process.env.HOSTNAME] : [])], {
    stdio: "inherit",
    env: process.env,
    // Same process group as this launcher: Ctrl-C or a supervisor killing the group stops
    // next-server too; a signal to the launcher alone is forwarded below.
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await embedded?.stop().catch(() => {});
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error) => {
  process.stderr.write(`Plugboard cannot start: ${(error as Error).message}\n`);
  process.exit(1);
});
