// Playwright's web server: the fake providers, then `npm start` (the launcher) on a fresh
// embedded data folder, with its output kept in a log file the tests read for leaked secrets.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ANY_FREE_PORTS, startFakeProviders } from "@/tests/fakes/serve";
import { BASE_URL, CRON_SECRET, DATA_DIR, E2E_DIR, E2E_PORT, FAKES_FILE, MAILCHIMP_WEBHOOK_SECRET, ROOT, SERVER_LOG, SETUP_TOKEN } from "@/tests/e2e/env";

fs.rmSync(E2E_DIR, { recursive: true, force: true });
fs.mkdirSync(DATA_DIR, { recursive: true });
// The fake bucket's CORS rules let this app's pages upload to it from the browser.
const fakes = await startFakeProviders({ ...ANY_FREE_PORTS, s3CorsOrigins: [BASE_URL] });
fs.writeFileSync(
  FAKES_FILE,
  JSON.stringify({
    stripe: fakes.stripe.url,
    sendgrid: fakes.sendgrid.url,
    odoo: fakes.odoo.url,
    smtpPort: fakes.smtp.port,
    twilio: fakes.twilio.url,
    mailchimp: fakes.mailchimp.apiBase,
    oauth: fakes.oauth.url,
    googleCalendar: fakes.googleCalendar.url,
    graph: fakes.graph.baseUrl,
    s3: fakes.s3.url,
  }),
);
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
  // Providers call back (and sign) this address.
  PUBLIC_URL: BASE_URL,
  MAILCHIMP_WEBHOOK_SECRET,
  // Tiny pipeline delays so failure paths finish quickly.
  PIPELINE_BACKOFF_BASE_MS: "5",
  PIPELINE_BACKOFF_CAP_MS: "20",
  // The browser test's webhook receiver listens on 127.0.0.1, which the URL rules refuse by default.
  WEBHOOK_ALLOW_HTTP_HOSTS: "127.0.0.1",
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: "127.0.0.1",
  // A small allowance for SendGrid connection tests (per workspace), so the health spec can reach
  // the limit in its own workspace.
  RATE_LIMITS: "sendgrid:connection.test=10/1d",
  // The specs start the jobs they test themselves (cron route, command line); a job running on its
  // own schedule in the middle of one would change what it sees.
  SCHEDULER: "off",
};
delete env.DATABASE_URL;
// Every OAuth app points at the fake authorization servers, except LinkedIn's, which stays
// unconfigured so the dashboard's "not configured" card can be seen.
delete env.LINKEDIN_CLIENT_ID;
delete env.LINKEDIN_CLIENT_SECRET;
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
