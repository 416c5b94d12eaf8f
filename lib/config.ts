// Every setting Plugboard reads from the environment, with its default, in one place.
// `.env.example` and the README's configuration table document the same list.
import path from "node:path";
import { z } from "zod";

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const num = (fallback: number) => z.coerce.number().nonnegative().default(fallback);
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString,
  // Set by the launcher when DATABASE_URL points at the embedded server it started.
  PLUGBOARD_EMBEDDED: z.preprocess((v) => v === "1" || v === "true", z.boolean()).default(false),
  PLUGBOARD_DATA_DIR: z.string().default(".data"),
  EMBEDDED_DB_PORT: int(0),
  NEXTAUTH_URL: optionalUrl,
  NEXTAUTH_SECRET: optionalString,
  TOKEN_ENCRYPTION_KEY: optionalString,
  TOKEN_ENCRYPTION_KEYS_PREVIOUS: optionalString,
  CRON_SECRET: optionalString,
  SETUP_TOKEN: optionalString,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Call pipeline
  PIPELINE_TIMEOUT_MS: int(30_000),
  PIPELINE_MAX_ATTEMPTS: int(3),
  PIPELINE_BACKOFF_BASE_MS: int(1_000),
  PIPELINE_BACKOFF_CAP_MS: int(60_000),
  PIPELINE_BACKOFF_JITTER: num(0.3),
  CIRCUIT_FAILURE_THRESHOLD: int(5),
  CIRCUIT_COOLDOWN_MS: int(60_000),
  // Sign-in
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: int(5),
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: int(20),
  LOGIN_WINDOW_MINUTES: int(15),
  TRUST_PROXY_HEADERS: z.preprocess((v) => v === "1" || v === "true", z.boolean()).default(false),
  // Housekeeping
  ACTIVITY_RETENTION_DAYS: int(30),
  REQUEST_BODY_LIMIT_BYTES: int(64 * 1024),
});

export type Config = z.infer<typeof schema>;

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
  return path.resolve(process.cwd(), config().PLUGBOARD_DATA_DIR);
}

/** True when no DATABASE_URL is configured and Plugboard runs on its embedded PostgreSQL. */
export function usesEmbeddedDatabase(): boolean {
  return !config().DATABASE_URL || config().PLUGBOARD_EMBEDDED;
}

export function isProduction(): boolean {
  return config().NODE_ENV === "production";
}
