// Playwright's web server: the fake providers, then `npm start` (the launcher) on a fresh
// embedded data folder, with its output kept in a log file the tests read for leaked secrets.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startFakeProviders } from "@/tests/fakes/serve";
import { CRON_SECRET, DATA_DIR, E2E_DIR, E2E_PORT, FAKES_FILE, ROOT, SERVER_LOG, SETUP_TOKEN } from "@/tests/e2e/env";

fs.rmSync(E2E_DIR, { recursive: true, force: true });
fs.mkdirSync(DATA_DIR, { recursive: true });
const fakes = await startFakeProviders({ stripePort: 0, sendgridPort: 0, googleCalendarPort: 0, graphPort: 0 });
fs.writeFileSync(FAKES_FILE, JSON.stringify({ stripe: fakes.stripe.url, sendgrid: fakes.sendgrid.url, googleCalendar: fakes.googleCalendar.url, graph: fakes.graph.baseUrl }));
const log = fs.createWriteStream(SERVER_LOG);

const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...fakes.env,
  NODE_ENV: "production",
  PORT: String(E2E_PORT),
  HOSTNAME: "127.0.0.1",
  NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
  PLUGBOARD_DATA_DIR: DATA_DIR,
  CRON_SECRET,
  SETUP_TOKEN,
  // Tiny pipeline delays so failure paths finish quickly.
  PIPELINE_BACKOFF_BASE_MS: "5",
  PIPELINE_BACKOFF_CAP_MS: "20",
};
delete env.DATABASE_URL;
const app = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/launch.ts", "start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
for (const stream of [app.stdout, app.stderr]) {
  stream.on("data", (chunk: Buffer) => {
    log.write(chunk);
    process.stdout.write(chunk);
  });
}

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  app.kill("SIGTERM");
  await fakes.close().catch(() => {});
  log.end();
  process.exit(code);
}
app.on("exit", (code) => void stop(code ?? 1));
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));
