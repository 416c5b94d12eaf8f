// Shared settings of the browser and HTTP tests: one production server on a fresh embedded data
// folder, pointed at the project's fake providers.
import path from "node:path";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** What a browser sends with a change from Plugboard's own pages; HTTP clients in tests send it too. */
export const SAME_ORIGIN = { Origin: BASE_URL };
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const E2E_DIR = path.join(ROOT, "tests/.tmp/e2e");
export const DATA_DIR = path.join(E2E_DIR, "data");
export const SERVER_LOG = path.join(E2E_DIR, "server.log");
export const FAKES_FILE = path.join(E2E_DIR, "fakes.json");
export const CRON_SECRET = "e2e-cron-secret-0123456789";
export const SETUP_TOKEN = "e2e-setup-token-0123456789";

export const ADMIN = { email: "admin@plugboard.test", password: "admin password for e2e", workspace: "E2E Workspace" };
export const VIEWER = { email: "viewer@plugboard.test", password: "viewer password for e2e" };
export const MAILCHIMP_WEBHOOK_SECRET = "e2e-mailchimp-webhook-secret-0123456789";
