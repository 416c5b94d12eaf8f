// Every setting Plugboard reads from the environment, with its default, in one place.
// `.env.example` and the README's configuration table document the same list.
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { parseRateLimitOverrides } from "@/lib/config/rate-limit-overrides";

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const num = (fallback: number) => z.coerce.number().nonnegative().default(fallback);
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());
// "a, b ,c" → ["a", "b", "c"]
const commaList = (check: (item: string) => boolean, what: string) =>
  z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(z.string().refine(check, { error: (issue) => `${String(issue.input)} is not ${what}` })).default([]),
  );
const isCidr = (item: string) => {
  const [address, bits, extra] = item.split("/");
  const family = net.isIP(address ?? "");
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};
const isHostPattern = (item: string) => /^(\*\.)?[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/i.test(item);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development").describe("Set by Next: production for `npm start`, development for `npm run dev`"),
  DATABASE_URL: optionalString.describe("PostgreSQL connection string. Unset: the embedded database in PLUGBOARD_DATA_DIR"),
  PLUGBOARD_EMBEDDED: z
    .preprocess((v) => v === "1" || v === "true", z.boolean())
    .default(false)
    .describe("Set by the launcher when DATABASE_URL points at the embedded server it started; do not set by hand"),
  PLUGBOARD_DATA_DIR: z.string().default(".data").describe("Folder of the embedded database and of the secrets generated for it"),
  EMBEDDED_DB_PORT: int(0).describe("Port of the embedded database server on 127.0.0.1 (0: any free port)"),
  PORT: int(3000).describe("HTTP port of `npm run dev` / `npm start`"),
  NEXTAUTH_URL: optionalUrl.describe("Public base URL of the app (sign-in redirects). Default http://localhost:$PORT; Vercel sets its own"),
  NEXTAUTH_SECRET: optionalString.describe("Signs session cookies: 32+ random characters (`openssl rand -base64 32`). Generated into the data folder on the embedded default"),
  TOKEN_ENCRYPTION_KEY: optionalString.describe(
    "AES-256-GCM key for stored credentials: 32 bytes in base64 (`openssl rand -base64 32`). Generated into the data folder on the embedded default; required with DATABASE_URL",
  ),
  TOKEN_ENCRYPTION_KEYS_PREVIOUS: optionalString.describe("Comma-separated earlier keys that still decrypt during a rotation (then run `npm run vault:rotate`)"),
  CRON_SECRET: optionalString.describe("Bearer token that /api/cron/* routes require (Vercel Cron sends it). Unset: cron routes refuse every request"),
  SCHEDULER: z
    .enum(["auto", "on", "off"], { error: "SCHEDULER is auto, on or off" })
    .default("auto")
    .describe(
      "Whether the server runs the scheduled jobs itself: auto (on, except on Vercel, whose crons call the cron routes), on, or off (an outside scheduler calls the cron routes)",
    ),
  SETUP_TOKEN: optionalString.describe("Fixed first-run setup token. Unset: a one-time token is printed to the log at start while no user exists"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info").describe("Least severe log level written (JSON lines on stdout/stderr)"),
  PIPELINE_TIMEOUT_MS: int(30_000).describe("Timeout of one provider call attempt"),
  PIPELINE_MAX_ATTEMPTS: int(3).describe("Attempts per provider call for transient and rate-limit errors"),
  PIPELINE_BACKOFF_BASE_MS: int(1_000).describe("First retry delay; doubles per attempt"),
  PIPELINE_BACKOFF_CAP_MS: int(60_000).describe("Longest retry delay (also caps Retry-After)"),
  PIPELINE_BACKOFF_JITTER: num(0.3).describe("Random spread of retry delays (0.3 = ±30 %)"),
  CIRCUIT_FAILURE_THRESHOLD: int(5).describe("Consecutive failures that open a connection's circuit breaker"),
  CIRCUIT_COOLDOWN_MS: int(60_000).describe("How long an open circuit waits before one probe call"),
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: int(5).describe("Failed sign-ins per account within the window before it is locked for the window"),
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: int(20).describe("Failed sign-ins per client address within the window"),
  LOGIN_WINDOW_MINUTES: int(15).describe("Sign-in rate-limit window"),
  TRUST_PROXY_HEADERS: z
    .preprocess((v) => v === "1" || v === "true", z.boolean())
    .default(false)
    .describe("Take the client address from the first X-Forwarded-For entry (behind your own reverse proxy; automatic on Vercel)"),
  ACTIVITY_RETENTION_DAYS: int(30).describe("Days of provider-call activity kept (pruned by /api/cron/prune)"),
  REQUEST_BODY_LIMIT_BYTES: int(64 * 1024).describe("Largest JSON request body accepted (413 beyond)"),
  WEBHOOK_TIMEOUT_MS: int(15_000).describe("Timeout of one outgoing webhook attempt (redirects included)"),
  WEBHOOK_ALLOW_HTTP_HOSTS: commaList(isHostPattern, "a host name or IP address").describe(
    "Hosts outgoing webhooks and admin-entered URLs (an Odoo on your network) may reach over plain http, comma-separated (`localhost,*.internal.example`); every other URL must be https",
  ),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: commaList(isCidr, "an IP address or CIDR range").describe(
    "Private, loopback, link-local or metadata addresses that outgoing webhooks and the addresses admins enter (Odoo URL, SMTP server) may reach, comma-separated IPs or CIDRs (`10.1.2.0/24,127.0.0.1`); all others are refused (SSRF protection)",
  ),
  WEBHOOK_DELIVERY_CONCURRENCY: int(10).describe("Outgoing webhook requests one delivery run keeps in flight"),
  WEBHOOK_RETENTION_DAYS: int(30).describe("Days finished outgoing webhook deliveries and their attempt logs are kept (pruned by /api/cron/webhooks)"),
  ODOO_LEAD_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100).describe("Leads read and exported to Odoo per batch by a lead sync run"),
  SYNC_STALE_MINUTES: z.coerce.number().int().min(1).default(15).describe("An Odoo sync run without progress for this long is presumed dead; the next run takes over"),
  WEBINAR_REMINDER_DAYS: z
    .string()
    .regex(/^\d{1,2}(,\d{1,2})*$/, "a comma-separated list of day counts, e.g. 7,2")
    .default("7,2")
    .describe("Days before a webinar on which registrants get a reminder email (GET /api/cron/webinar-reminders)"),
  PUBLIC_URL: optionalUrl.describe(
    "Public base URL providers call back (webhook URLs, Twilio status callbacks and signature checks). Set it behind a proxy; default NEXTAUTH_URL, else http://localhost:$PORT",
  ),
  INBOUND_WEBHOOK_BODY_LIMIT_BYTES: int(256 * 1024).describe("Largest provider webhook body accepted (413 beyond)"),
  INBOUND_WEBHOOK_MAX_ATTEMPTS: int(5).describe("Processing attempts of an inbound webhook event before it stays failed (the dashboard can still re-run it)"),
  INBOUND_WEBHOOK_RETRY_BASE_SECONDS: int(60).describe("Delay before the first retry of a failed inbound event; doubles per attempt (run by /api/cron/inbound-webhooks)"),
  INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe(
      "Refused inbound webhook deliveries (bad or missing signature, unknown connection) one client address may cause per window; beyond, 429 with Retry-After and nothing recorded",
    ),
  INBOUND_WEBHOOK_REFUSAL_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600).describe("Window of INBOUND_WEBHOOK_MAX_REFUSALS_PER_ADDRESS"),
  INBOUND_WEBHOOK_REFUSED_RETENTION_HOURS: int(24).describe(
    "Hours the record of a refused inbound webhook delivery (bad or missing signature) is kept (pruned by /api/cron/prune)",
  ),
  MAILCHIMP_WEBHOOK_SECRET: optionalString.describe(
    "Old Mailchimp webhook URL shape only (/api/webhooks/mailchimp?secret=…&workspace=…), which lets any holder write into any workspace: each connection's card shows its own URL. Unset: the old shape is refused",
  ),
  MAILCHIMP_WEBHOOK_MAX_AGE_SECONDS: int(3600).describe("Mailchimp webhook deliveries whose fired_at is older than this are refused as replays"),
  HEALTH_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(60).describe("Window an integration's health is judged over (error rate, latency, consecutive failures)"),
  HEALTH_MAX_ERROR_RATE_PERCENT: z.coerce.number().min(0).max(100).default(10).describe("An integration whose error rate in the window is above this is unhealthy"),
  HEALTH_MAX_AVG_LATENCY_MS: int(5_000).describe("An integration whose average latency in the window is above this is unhealthy"),
  HEALTH_MAX_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).default(5).describe("This many failed calls in a row (with no success since) make an integration unhealthy"),
  RATE_LIMITS: optionalString
    .superRefine((v, ctx) => {
      try {
        parseRateLimitOverrides(v);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .describe("Changes to the providers' documented rate limits: comma-separated provider[:operation]=LIMIT/WINDOW (window 1s, 15m, 1h, 1d) or provider=off"),
  TOKEN_REFRESH_WINDOW_HOURS: num(24).describe("/api/cron/refresh-tokens refreshes OAuth access tokens that expire within this many hours"),
  TOKEN_REFRESH_IDLE_HOURS: num(24).describe("…and any refreshable OAuth connection not refreshed for this many hours, so providers do not expire idle refresh tokens"),
  TOKEN_REFRESH_CONCURRENCY: int(32).describe("Refresh requests one token-refresh run sends at once"),
  MICROSOFT_TENANT: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]+$/, "a tenant id, domain, common, organizations or consumers")
    .default("common")
    .describe("Microsoft Entra tenant for Outlook sign-in: common, organizations, consumers, a tenant id or domain"),
  LINKEDIN_ORGANIZATION_SCOPES: z
    .preprocess((v) => v === "1" || v === "true", z.boolean())
    .default(false)
    .describe("Also ask LinkedIn for the organisation page scopes (r_organization_social w_organization_social rw_organization_admin; needs Community Management API access)"),
  CALENDAR_BATCH_MAX_ITEMS: z.coerce.number().int().min(1).default(2000).describe("Most events one calendar batch job may create, delete or move (400 beyond)"),
  CALENDAR_BATCH_BODY_LIMIT_BYTES: int(4 * 1024 * 1024).describe("Largest JSON body of POST/DELETE /api/calendar/batch (413 beyond)"),
  CALENDAR_GOOGLE_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(50)
    .describe("Calls per Google Calendar batch request (Google allows 1000; each call still counts against quota)"),
  CALENDAR_GRAPH_BATCH_SIZE: z.coerce.number().int().min(1).max(20).default(20).describe("Requests per Microsoft Graph $batch (Graph allows at most 20)"),
  CALENDAR_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4).describe("Batch requests a calendar job keeps in flight at once"),
  CALENDAR_BATCH_ITEM_RETRIES: int(3).describe("Times a throttled (429) item of a calendar batch is sent again, after the provider's Retry-After"),
  CALENDAR_SYNC_PAST_DAYS: int(30).describe("Outlook sync window: days before today (Graph syncs a calendar view with fixed ends)"),
  CALENDAR_SYNC_FUTURE_DAYS: int(365).describe("Outlook sync window: days after today"),
});

export type Config = z.infer<typeof schema>;

export interface SettingDoc {
  name: string;
  default: string;
  description: string;
}

/** Every setting with its default and description, for .env.example and the README. */
export function settingsDocumentation(): SettingDoc[] {
  const defaults = schema.parse({}) as Record<string, unknown>;
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    default: defaults[name] === undefined ? "" : String(defaults[name]),
    description: (field as z.ZodType).description ?? "",
  }));
}

let cached: Config | undefined;

/** Parsed configuration. Throws with the names of the malformed variables. */
export function config(): Config {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** Drops the cached configuration (tests change process.env between cases). */
export function resetConfig(): void {
  cached = undefined;
}

export function dataDir(): string {
  // Runtime data, not code: keep the bundler from tracing the whole project through it.
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), config().PLUGBOARD_DATA_DIR);
}

/** True when no DATABASE_URL is configured and Plugboard runs on its embedded PostgreSQL. */
export function usesEmbeddedDatabase(): boolean {
  return !config().DATABASE_URL || config().PLUGBOARD_EMBEDDED;
}

/**
 * The base URL providers reach this app at, without a trailing slash (webhook URLs, Twilio
 * signatures, OAuth redirect URIs): PUBLIC_URL, else NEXTAUTH_URL, else Vercel's URL, else localhost.
 */
export function publicBaseUrl(): string {
  const c = config();
  const configured = c.PUBLIC_URL ?? c.NEXTAUTH_URL ?? (process.env.VERCEL_URL ? `https://${process.env.VERCEL_URL}` : `http://localhost:${c.PORT}`);
  return configured.replace(/\/+$/, "");
}

export function isProduction(): boolean {
  return config().NODE_ENV === "production";
}
