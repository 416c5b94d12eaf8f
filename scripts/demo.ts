// `npm run demo`: Plugboard to try without an account anywhere. Every fake provider from
// tests/fakes/ starts on its default port with a webhook receiver beside it, Plugboard runs on its
// own embedded database in .data/demo (never the configured DATABASE_URL) pointed at them, and a
// demo admin is created whose password is printed. Connect every provider (the README's demo
// table says what to type), send a test email, book a meeting, and watch the receiver print the
// webhooks it gets. Ctrl-C stops everything.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createUserWithWorkspace } from "@/lib/auth/users";
import { openCliDatabase } from "@/lib/db/cli";
import { startDemo } from "@/tests/fakes/demo";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
const DEMO_ADMIN = "demo@plugboard.test";
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

// The demo's own data folder and the embedded database, whatever .env says (an empty value also
// keeps .env from filling it in).
const DATA_DIR = path.join(".data", "demo");
process.env.PLUGBOARD_DATA_DIR = DATA_DIR;
process.env.DATABASE_URL = "";
const port = Number(process.env.PORT ?? 3000);

/** The demo admin's password: generated once, kept beside the demo's data (0600). */
function demoPassword(): string {
  const file = path.join(root, DATA_DIR, "demo-admin-password");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const password = crypto.randomBytes(12).toString("base64url");
  fs.writeFileSync(file, password + "\n", { mode: 0o600 });
  return password;
}

async function ensureDemoAdmin(password: string): Promise<void> {
  const database = await openCliDatabase();
  try {
    if (!(await database.db.user.findUnique({ where: { email: DEMO_ADMIN } }))) {
      await createUserWithWorkspace(database.db, { email: DEMO_ADMIN, password, role: "admin", workspaceName: "Demo" });
    }
  } finally {
    await database.close();
  }
}

// The fake bucket lets this app's pages upload to it from the browser (its CORS rules).
const demo = await startDemo({ s3CorsOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] }).catch((error: Error) => {
  process.stderr.write(`The demo's fake providers could not start: ${error.message}\n(Set FAKE_STRIPE_PORT=… etc. to move one whose port is taken.)\n`);
  process.exit(1);
});
const password = demoPassword();
await ensureDemoAdmin(password);

const app = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/launch.ts", "dev"], {
  stdio: "inherit",
  // openCliDatabase pointed DATABASE_URL at the server it has stopped since; the launcher serves its own.
  env: { ...process.env, ...demo.env, PORT: String(port), DATABASE_URL: "", PLUGBOARD_EMBEDDED: "" },
});

say(
  `fake providers: Stripe ${demo.fakes.stripe.url}, SendGrid ${demo.fakes.sendgrid.url}, Odoo ${demo.addresses.odooUrl}, SMTP 127.0.0.1:${demo.addresses.smtpPort}, Twilio ${demo.fakes.twilio.url}, S3 ${demo.addresses.s3Url}, OAuth ${demo.fakes.oauth.url}`,
);
say(`webhook receiver: ${demo.receiver.url}/ (add it as an endpoint on the Webhooks page)`);
say(`sign in at http://localhost:${port}/login as ${DEMO_ADMIN} with password ${password}`);
say('what to type into each Connect form: the README\'s "Try it: the demo" table');

// The receiver keeps what it got; print each new delivery as it arrives.
let printed = 0;
const watch = setInterval(() => {
  for (const delivery of demo.receiver.received.slice(printed)) {
    say(`webhook received: ${delivery.eventType || "(no event type)"} ${delivery.webhookId} → answered ${delivery.status}`);
  }
  printed = demo.receiver.received.length;
}, 1000);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  clearInterval(watch);
  app.kill("SIGTERM");
  await demo.close().catch(() => {});
  process.exit(code);
}
app.on("exit", (code) => void stop(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
