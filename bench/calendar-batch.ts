// bench/calendar-batch: one batch job creating 500 events on each calendar provider, against the
// project's fake Google Calendar and fake Graph answering every HTTP request after 50 ms, on
// PostgreSQL. Goal: Google in ≤ 10 HTTP requests, Outlook in ≤ 25, each in ≤ 2 s wall time
// (from the API's job creation to the last event recorded in the database). The fakes run in a
// child process; the requests are counted there.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { freshPostgresDatabase } from "@/bench/lib";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const LATENCY_MS = 50;
const GOALS = { "google-calendar": { requests: 10, ms: 2000 }, "outlook-calendar": { requests: 25, ms: 2000 } } as const;

process.env.TOKEN_ENCRYPTION_KEY ??= "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=";
process.env.LOG_LEVEL ??= "warn";
process.env.NO_PROXY = "127.0.0.1,localhost";

// The fakes run in a child process, as a provider runs elsewhere: their work is not ours to time.
if (process.argv[2] === "--fakes") {
  const { startFakeGoogleCalendar } = await import("@/tests/fakes/google-calendar");
  const { startFakeGraph } = await import("@/tests/fakes/graph");
  const fakes = { "google-calendar": await startFakeGoogleCalendar(), "outlook-calendar": await startFakeGraph() };
  process.on("message", (message: { reset?: boolean; latency?: number; count?: true }) => {
    for (const fake of Object.values(fakes)) {
      if (message.reset) fake.reset();
      if (message.latency !== undefined) fake.setDelay(message.latency);
    }
    process.send!({
      urls: { google: fakes["google-calendar"].url, graph: fakes["outlook-calendar"].baseUrl },
      requests: { "google-calendar": fakes["google-calendar"].requests.length, "outlook-calendar": fakes["outlook-calendar"].requests.length },
    });
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ ready: true });
  await new Promise(() => {});
}

interface FakeAnswer {
  urls: { google: string; graph: string };
  requests: Record<"google-calendar" | "outlook-calendar", number>;
}
const child = fork(fileURLToPath(import.meta.url), ["--fakes"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
await new Promise((resolve) => child.once("message", resolve));
const ask = (message: object) =>
  new Promise<FakeAnswer>((resolve) => {
    child.once("message", (answer) => resolve(answer as FakeAnswer));
    child.send(message);
  });
const { urls } = await ask({});
process.env.GOOGLE_API_BASE = urls.google;
process.env.MICROSOFT_GRAPH_API_BASE = urls.graph;
const { GOOGLE_TOKENS } = await import("@/tests/fakes/google-calendar");
const { GRAPH_TOKENS } = await import("@/tests/fakes/graph");

const database = await freshPostgresDatabase();
const { resetConfig, config } = await import("@/lib/config");
resetConfig();
const { getDb, closeDb } = await import("@/lib/db/client");
const { storeCredential } = await import("@/lib/vault");
const { createBatchJob, postBatchSchema, runBatchJob } = await import("@/lib/calendar/batch");
const { validate } = await import("@/lib/http/api");

let failed = false;
try {
  const db = await getDb();
  const workspace = await db.workspace.create({ data: { name: "Bench" } });
  const user = { userId: "bench", email: "bench@plugboard.test", workspaceId: workspace.id, role: "admin" as const };
  for (const [providerId, accessToken] of [
    ["google-calendar", GOOGLE_TOKENS.valid],
    ["outlook-calendar", GRAPH_TOKENS.valid],
  ] as const) {
    const connection = await db.connection.create({ data: { workspaceId: workspace.id, providerId, status: "connected", authType: "oauth2" } });
    await storeCredential(db, { workspaceId: workspace.id, connectionId: connection.id }, { accessToken });
  }
  const events = Array.from({ length: EVENTS }, (_, i) => {
    const day = String(1 + (i % 28)).padStart(2, "0");
    const hour = String(8 + (Math.floor(i / 28) % 10)).padStart(2, "0");
    return {
      summary: `Bench session ${i}`,
      description: "Created by bench/calendar-batch",
      start: `2026-12-${day}T${hour}:00`,
      end: `2026-12-${day}T${hour}:45`,
      reference: `BENCH-${i}`,
    };
  });
  // Warm-up (module loading, first connections), not measured.
  for (const providerId of ["google-calendar", "outlook-calendar"] as const) {
    await runBatchJob((await createBatchJob(user, validate(postBatchSchema, { calendar: providerId, events: events.slice(0, 2) }))).id);
  }
  await ask({ reset: true, latency: LATENCY_MS });

  const cfg = config();
  console.log(
    `bench/calendar-batch: ${EVENTS} events per provider, fakes answering after ${LATENCY_MS} ms, PostgreSQL ` +
      `(Google batches of ${cfg.CALENDAR_GOOGLE_BATCH_SIZE}, Graph $batch of ${cfg.CALENDAR_GRAPH_BATCH_SIZE}, ${cfg.CALENDAR_BATCH_CONCURRENCY} in flight)`,
  );
  for (const providerId of ["google-calendar", "outlook-calendar"] as const) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const job = await createBatchJob(user, validate(postBatchSchema, { calendar: providerId, timeZone: "Europe/Berlin", events }));
    const done = await runBatchJob(job.id);
    const ms = Math.round(performance.now() - started);
    const used = process.cpuUsage(cpu);
    const cpuMs = Math.round((used.user + used.system) / 1000);
    const recorded = await db.calendarEvent.count({ where: { batchJobId: job.id } });
    const requests = (await ask({})).requests[providerId];
    const goal = GOALS[providerId];
    const met = requests <= goal.requests && ms <= goal.ms && done?.succeeded === EVENTS && recorded === EVENTS;
    if (!met) failed = true;
    console.log(
      `  ${providerId.padEnd(17)} ${String(requests).padStart(3)} HTTP requests  ${String(ms).padStart(5)} ms  ${Math.round((EVENTS / ms) * 1000)} events/s  (${cpuMs} ms CPU here)  ` +
        `${done?.succeeded}/${EVENTS} created, ${recorded} recorded  (goal: ≤ ${goal.requests} requests, ≤ ${goal.ms} ms: ${met ? "met" : "NOT met"})`,
    );
  }
} finally {
  await closeDb();
  await database.drop();
  child.disconnect();
}
process.exit(failed ? 1 : 0);
