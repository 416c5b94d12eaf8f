// bench/refresh: one token-refresh run (the function behind /api/cron/refresh-tokens and
// `npm run job:refresh-tokens`) over 10,000 due OAuth connections on PostgreSQL — Google,
// Microsoft (through MSAL), X (rotating refresh tokens) and LinkedIn, 2,500 each — against the fake
// authorization servers, in a process of their own like a real provider, answering every request
// after 50 ms. Reports the total time and the number of refresh requests the fakes received.
// Goal: < 60 s and exactly 10,000 requests.
import { spawn } from "node:child_process";
import path from "node:path";
import { freshPostgresDatabase, ROOT } from "@/bench/lib";
import { resetConfig } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db/client";
import { refreshDueTokens } from "@/lib/connections/oauth/refresh";
import { fakeOAuthEnv, type OAuthProviderKind } from "@/tests/fakes/oauth";
import { seedOAuthConnections, type SeededOAuthConnection } from "@/tests/helpers/oauth";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
const PROVIDERS: [string, OAuthProviderKind][] = [
  ["google-calendar", "google"],
  ["outlook-calendar", "microsoft"],
  ["x", "x"],
  ["linkedin", "linkedin"],
];

process.env.TOKEN_ENCRYPTION_KEY ??= "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=";
process.env.LOG_LEVEL ??= "error";
const database = await freshPostgresDatabase(); // also makes getDb() use it
const fakeProcess = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["tests/fakes/oauth.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
const fakeUrl = await new Promise<string>((resolve, reject) => {
  fakeProcess.stdout!.on("data", (chunk: Buffer) => {
    const m = /listening (\S+)/.exec(chunk.toString());
    if (m) resolve(m[1]!);
  });
  fakeProcess.once("exit", (code) => reject(new Error(`the fake OAuth server exited (${code})`)));
});
const control = async (method: "GET" | "POST", route: string, body?: unknown) =>
  (await fetch(`${fakeUrl}/__fake/${route}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) })).json() as Promise<Record<string, unknown>>;
Object.assign(process.env, fakeOAuthEnv(fakeUrl));
resetConfig();
try {
  await control("POST", "configure", { behaviour: { linkedin: { issueRefreshTokens: true } } });
  const db = await getDb();
  // One workspace per provider connection set: a connection is unique per workspace and provider.
  const workspaces = Math.ceil(CONNECTIONS / PROVIDERS.length);
  const created: { id: string; name: string }[] = [];
  for (let i = 0; i < workspaces; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, workspaces - i) }, (_, j) => ({ id: `benchws${i + j}`, name: `Bench ${i + j}` }));
    await db.workspace.createMany({ data: batch });
    created.push(...batch);
  }
  const expired = new Date(Date.now() - 60_000);
  const rows: SeededOAuthConnection[] = [];
  for (const [p, [providerId, kind]] of PROVIDERS.entries()) {
    const count = Math.floor(CONNECTIONS / PROVIDERS.length) + (p < CONNECTIONS % PROVIDERS.length ? 1 : 0);
    const { grants } = (await control("POST", "seed", { provider: kind, count })) as { grants: { accessToken: string; refreshToken: string }[] };
    grants.forEach((tokens, i) => rows.push({ workspaceId: created[i]!.id, providerId, tokens, expiresAt: expired }));
  }
  await seedOAuthConnections(db, rows);

  await control("POST", "configure", { delayMs: 50 });
  const started = performance.now();
  const report = await refreshDueTokens({ actor: "bench" });
  const seconds = (performance.now() - started) / 1000;
  let requests = 0;
  for (const [, kind] of PROVIDERS) requests += Number((await control("GET", `token-requests?provider=${kind}&grant_type=refresh_token`)).count);
  const renewed = await db.connection.count({ where: { tokenVersion: 1, needsReauth: false } });

  console.log(`bench/refresh: one refresh run over ${CONNECTIONS} due connections (${PROVIDERS.map(([id]) => id).join(", ")}), token endpoints answering after 50 ms, concurrency ${report.concurrency}, PostgreSQL`);
  console.log(`  total ${seconds.toFixed(1)} s, ${requests} refresh requests at the fakes, ${report.refreshed} refreshed, ${report.failed.total} failed, ${renewed} connections on a new token`);
  console.log(`  goal: < 60 s and exactly ${CONNECTIONS} requests: ${seconds < 60 && requests === CONNECTIONS && renewed === CONNECTIONS ? "met" : "NOT met"}`);
} finally {
  fakeProcess.kill("SIGTERM");
  await closeDb();
  await database.drop();
}
