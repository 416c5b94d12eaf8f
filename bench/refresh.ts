// bench/refresh: one token-refresh run (the function behind /api/cron/refresh-tokens and
// `npm run job:refresh-tokens`) over 10,000 due OAuth connections on PostgreSQL — Google,
// Microsoft (through MSAL), X (rotating refresh tokens) and LinkedIn, 2,500 each — against the fake
// authorization servers, in a process of their own like a real provider, answering every request
// after 50 ms. Reports the total time and the number of refresh requests the fakes received, beside
// the floor measured in the same run: the same number of refresh requests, from the same provider
// modules, to the same fakes at the same concurrency, with no database (a bare loop over grants
// seeded at the fakes only), and beside the theoretical floor, the answer delay alone (10,000 × 50 ms
// / 32 = 15.6 s). Goal: <= 20 s and exactly 10,000 requests.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { freshPostgresDatabase, ROOT } from "@/bench/lib";
import { resetConfig } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db/client";
import { forEachConcurrently } from "@/lib/concurrency";
import { refreshDueTokens } from "@/lib/connections/oauth/refresh";
import { requireOAuthProvider, resolveOAuth } from "@/lib/connections/oauth/setup";
import { fakeOAuthEnv, type OAuthProviderKind } from "@/tests/fakes/oauth";
import { seedOAuthConnections, type SeededOAuthConnection } from "@/tests/helpers/oauth";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
const GOAL_SECONDS = 20;
const DELAY_MS = 50;
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
const countRefreshRequests = async () => {
  let count = 0;
  for (const [, kind] of PROVIDERS) count += Number((await control("GET", `token-requests?provider=${kind}&grant_type=refresh_token`)).count);
  return count;
};
/** Grants the fake knows, `count` split over the providers as the connections are. */
async function seedGrants(count: number): Promise<{ providerId: string; tokens: { accessToken: string; refreshToken: string } }[]> {
  const grants: { providerId: string; tokens: { accessToken: string; refreshToken: string } }[] = [];
  for (const [p, [providerId, kind]] of PROVIDERS.entries()) {
    const n = Math.floor(count / PROVIDERS.length) + (p < count % PROVIDERS.length ? 1 : 0);
    const seeded = (await control("POST", "seed", { provider: kind, count: n })) as { grants: { accessToken: string; refreshToken: string }[] };
    grants.push(...seeded.grants.map((tokens) => ({ providerId, tokens })));
  }
  return grants;
}

/** The floor: a bare loop sending each grant's refresh request through its provider module, no database. */
async function bareRefreshes(grants: { providerId: string; tokens: { accessToken: string; refreshToken: string } }[], concurrency: number) {
  const started = performance.now();
  let failures = 0;
  await forEachConcurrently(grants, concurrency, async ({ providerId, tokens }) => {
    const { module, client } = await resolveOAuth(requireOAuthProvider(providerId));
    try {
      await module.refresh!(client, tokens, AbortSignal.timeout(30_000));
    } catch {
      failures++;
    }
  });
  return { seconds: (performance.now() - started) / 1000, failures };
}

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
  const perProvider = new Map<string, number>();
  const rows: SeededOAuthConnection[] = (await seedGrants(CONNECTIONS)).map(({ providerId, tokens }) => {
    const i = perProvider.get(providerId) ?? 0;
    perProvider.set(providerId, i + 1);
    return { workspaceId: created[i]!.id, providerId, tokens, expiresAt: expired };
  });
  await seedOAuthConnections(db, rows);
  // The floor's grants live at the fakes only; seeded now so that seeding is not timed.
  const floorGrants = await seedGrants(CONNECTIONS);

  // Load the provider SDKs (googleapis and MSAL take a moment to import) before anything is timed,
  // so that neither figure includes it: one request per provider, neither run's nor floor's.
  const warmUp = await bareRefreshes(await seedGrants(PROVIDERS.length), PROVIDERS.length);

  await control("POST", "configure", { delayMs: DELAY_MS });
  const before = await countRefreshRequests();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const report = await refreshDueTokens({ actor: "bench" });
  const seconds = (performance.now() - started) / 1000;
  const cpuRun = process.cpuUsage(cpuBefore);
  const requests = (await countRefreshRequests()) - before;
  const renewed = await db.connection.count({ where: { tokenVersion: 1, needsReauth: false } });

  const floorBefore = await countRefreshRequests();
  const cpuBeforeFloor = process.cpuUsage();
  const floor = await bareRefreshes(floorGrants, report.concurrency);
  const cpuFloor = process.cpuUsage(cpuBeforeFloor);
  const floorRequests = (await countRefreshRequests()) - floorBefore;

  const cpuSeconds = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1e6).toFixed(1);
  // What the answer delay alone costs: every request waits DELAY_MS, `concurrency` at a time.
  const theoretical = (CONNECTIONS * DELAY_MS) / report.concurrency / 1000;
  const met = seconds <= GOAL_SECONDS && requests === CONNECTIONS && renewed === CONNECTIONS;
  console.log(
    `bench/refresh: one refresh run over ${CONNECTIONS} due connections (${PROVIDERS.map(([id]) => id).join(", ")}), token endpoints answering after ${DELAY_MS} ms, concurrency ${report.concurrency}, PostgreSQL`,
  );
  console.log(
    `  total ${seconds.toFixed(1)} s = ${(seconds / floor.seconds).toFixed(2)}× the measured floor (${floor.seconds.toFixed(1)} s), ${(seconds / theoretical).toFixed(2)}× the theoretical floor (${theoretical.toFixed(1)} s); ${requests} refresh requests at the fakes, ${report.refreshed} refreshed, ${report.failed.total} failed, ${renewed} connections on a new token`,
  );
  console.log(
    `  measured floor ${floor.seconds.toFixed(1)} s: the same ${floorRequests} refresh requests from the same provider modules to the same fakes at concurrency ${report.concurrency}, no database${floor.failures ? ` (${floor.failures} failed)` : ""}`,
  );
  console.log(`  theoretical floor ${theoretical.toFixed(1)} s = ${CONNECTIONS} × ${DELAY_MS} ms / ${report.concurrency}: the answer delay alone`);
  console.log(
    `  this process's CPU: run ${cpuSeconds(cpuRun)} s, floor ${cpuSeconds(cpuFloor)} s; SDK warm-up ${warmUp.seconds.toFixed(1)} s (untimed); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
  );
  console.log(`  goal: <= ${GOAL_SECONDS} s and exactly ${CONNECTIONS} requests: ${met ? "met" : "NOT met"}`);
} finally {
  fakeProcess.kill("SIGTERM");
  await closeDb();
  await database.drop();
}
