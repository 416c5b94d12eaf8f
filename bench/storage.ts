// bench/storage: one 200 MB file uploaded through the app's upload path — a multipart form
// POSTed to /api/storage/files on the production server, which sniffs, hashes and streams it to
// the bucket — against a floor measured in the same run: the same bytes uploaded straight to the
// same fake S3 with lib-storage (same part size and queue). Rounds alternate floor, app, floor,
// app; each side's best round counts. While the app uploads, its server's resident memory is
// sampled every 20 ms. Goals: the app's RSS peaks < 150 MB above what it was before the first
// upload (streamed, not buffered) and its
// throughput is ≥ 0.8 × the floor's.
import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createPrismaClient } from "@/lib/db/client";
import { resetConfig } from "@/lib/config";
import { freshPostgresDatabase, signInCookie, startListeningChild, startProductionServer } from "@/bench/lib";
import { createUser, createWorkspace } from "@/tests/helpers/factories";

const SIZE_MB = Number(process.env.BENCH_STORAGE_MB ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Megabytes sent each way first, uncounted: loads the SDK and warms the JIT in both processes. */
const WARMUP_MB = 20;

const BUCKET = "bench-uploads";
const REGION = "eu-central-1";
const KEY_ID = "AKIABENCH00000000001";
const SECRET = "bench-secret-key-0000000000000000000000";
const PASSWORD = "bench password 0123456789";
const KEY = "q7ZkR8m0yJYH3o8m9k7n2Vt1vH3Yx0rGm6r5yq7c1fE=";
// The app's own part size and queue (lib/integrations/s3/storage.ts).
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

process.env.TOKEN_ENCRYPTION_KEY = KEY;
resetConfig();

/** The file: a PNG signature, then a repeating pattern, produced 1 MB at a time (never held whole). */
function* fileChunks(size: number): Generator<Buffer> {
  const block = Buffer.alloc(1024 * 1024, 0x5a);
  Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").copy(block);
  const plain = Buffer.alloc(1024 * 1024, 0x5a);
  for (let sent = 0; sent < size; sent += block.length) yield sent === 0 ? block : plain;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function startS3() {
  return startListeningChild("bench/support/s3-server.ts", { BENCH_S3_BUCKET: BUCKET, BENCH_S3_KEY_ID: KEY_ID, BENCH_S3_SECRET: SECRET }, "the fake S3");
}

/** Resident memory of a process and its children, in bytes (Linux /proc). */
function treeRss(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim();
        for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return total;
}

async function floorRound(s3Url: string, sizeMb = SIZE_MB): Promise<number> {
  const client = new S3Client({
    endpoint: s3Url,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const started = performance.now();
  await new Upload({
    client,
    params: { Bucket: BUCKET, Key: `floor/${Date.now()}.png`, Body: Readable.from(fileChunks(sizeMb * 1024 * 1024)), ContentType: "image/png" },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
  }).done();
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return sizeMb / seconds;
}

async function appRound(baseUrl: string, cookie: string, pid: number, sizeMb = SIZE_MB): Promise<{ mbPerSecond: number; rssGrowthMb: number; baselineMb: number; peakMb: number }> {
  const size = sizeMb * 1024 * 1024;
  const boundary = `----plugboard-bench-${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const baseline = treeRss(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(pid))), 20);
  const started = performance.now();
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(`${baseUrl}/api/storage/files`, {
      method: "POST",
      headers: { cookie, origin: baseUrl, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(head.length + size + tail.length) },
    });
    request.on("response", (response) => {
      let body = "";
      response.on("data", (c: Buffer) => (body += c.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    Readable.from(
      (function* () {
        yield head;
        yield* fileChunks(size);
        yield tail;
      })(),
    ).pipe(request);
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, treeRss(pid));
  if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const mb = (n: number) => Math.round((n / (1024 * 1024)) * 10) / 10;
  return { mbPerSecond: sizeMb / seconds, rssGrowthMb: mb(peak - baseline), baselineMb: mb(baseline), peakMb: mb(peak) };
}

const database = await freshPostgresDatabase();
const db = createPrismaClient(database.url, 2);
const s3 = await startS3();
let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;
try {
  const workspace = await createWorkspace(db, "Bench");
  const admin = await createUser(db, { workspaceId: workspace.id, email: "bench@plugboard.test", password: PASSWORD });
  server = await startProductionServer({
    DATABASE_URL: database.url,
    TOKEN_ENCRYPTION_KEY: KEY,
    NEXTAUTH_SECRET: "bench-nextauth-secret-of-enough-length",
    WEBHOOK_ALLOW_HTTP_HOSTS: "127.0.0.1",
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "127.0.0.1",
  });
  const cookie = await signInCookie(server.url, admin.email, PASSWORD);
  const connect = await fetch(`${server.url}/api/integrations/s3/connect`, {
    method: "POST",
    headers: { cookie, origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({
      fields: { endpoint: s3.url, region: REGION, bucket: BUCKET, accessKeyId: KEY_ID, secretAccessKey: SECRET, pathStyle: "path", maxUploadMb: String(SIZE_MB * 2) },
    }),
  });
  if (!connect.ok) throw new Error(`connecting S3 answered ${connect.status}: ${await connect.text()}`);
  const pid = server.pid;

  // Memory is measured from before the first upload: whatever the app keeps after one counts.
  const idleRss = treeRss(pid);
  await floorRound(s3.url, WARMUP_MB);
  await appRound(server.url, cookie, pid, WARMUP_MB);
  const floors: number[] = [];
  const apps: Awaited<ReturnType<typeof appRound>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    floors.push(await floorRound(s3.url));
    apps.push(await appRound(server.url, cookie, pid));
  }
  const floor = Math.max(...floors);
  const best = apps.reduce((a, b) => (b.mbPerSecond > a.mbPerSecond ? b : a));
  const rssGrowth = Math.round((Math.max(...apps.map((a) => a.peakMb)) - idleRss / (1024 * 1024)) * 10) / 10;
  const ratio = best.mbPerSecond / floor;
  const r1 = (n: number) => Math.round(n * 10) / 10;
  console.log(
    JSON.stringify(
      {
        sizeMb: SIZE_MB,
        floor: { mbPerSecond: r1(floor), rounds: floors.map(r1) },
        app: { mbPerSecond: r1(best.mbPerSecond), rounds: apps.map((a) => ({ ...a, mbPerSecond: r1(a.mbPerSecond) })) },
        ratioToFloor: Math.round(ratio * 100) / 100,
        // Best rounds count; the medians show how much the machine's noise moved them.
        medianRatio: Math.round((median(apps.map((a) => a.mbPerSecond)) / median(floors)) * 100) / 100,
        idleRssMb: Math.round(idleRss / (1024 * 1024)),
        maxRssGrowthMb: rssGrowth,
      },
      null,
      2,
    ),
  );
  const goals = [
    [rssGrowth < 150, `RSS growth ${rssGrowth} MB (goal < 150 MB)`],
    [ratio >= 0.8, `throughput ${Math.round(ratio * 100) / 100} × the floor (goal ≥ 0.8)`],
  ] as const;
  for (const [met, text] of goals) console.log(`${met ? "met" : "NOT MET"}: ${text}`);
  process.exitCode = goals.every(([met]) => met) ? 0 : 1;
} finally {
  await server?.stop();
  await s3.stop();
  await db.$disconnect();
  await database.drop();
}
