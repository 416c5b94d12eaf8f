// The embedded default database: PGlite (PostgreSQL compiled to wasm) with its data in a folder,
// served over the PostgreSQL wire protocol on 127.0.0.1 so that the app, `npm run admin:create`,
// `db:migrate` and the jobs/ CLIs all connect to it as to any PostgreSQL server — one process owns
// the data folder, every other process is a client.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { keepExtendedBatchesTogether } from "@/lib/db/pglite-batches";

const STATE_FILE = "embedded-db.json";

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface ServerState {
  pid: number;
  port: number;
}

export function embeddedUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

function canConnect(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The URL of an embedded server that another process already runs on this data folder, if any. */
export async function findRunningEmbeddedServer(dataDir: string): Promise<string | null> {
  const file = path.join(dataDir, STATE_FILE);
  let state: ServerState;
  try {
    state = JSON.parse(fs.readFileSync(file, "utf8")) as ServerState;
  } catch {
    return null;
  }
  if (!processAlive(state.pid) || !(await canConnect(state.port))) return null;
  return embeddedUrl(state.port);
}

/**
 * Opens the data folder and serves it. Refuses when another live process already serves it,
 * because two PGlite instances on one folder would corrupt it.
 */
export async function startEmbeddedServer(options: { dataDir: string; port?: number }): Promise<EmbeddedServer> {
  const { dataDir } = options;
  const existing = await findRunningEmbeddedServer(dataDir);
  if (existing) {
    throw new Error(`The embedded database in ${dataDir} is already served by another process (${existing}).`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create(path.join(dataDir, "pgdata"));
  // The server multiplexes connections onto PGlite's single session and keeps a transaction's
  // statements together, so a small pool per client process is safe.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port ?? 0, maxConnections: 64 });
  keepExtendedBatchesTogether(server);
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  const stateFile = path.join(dataDir, STATE_FILE);
  fs.writeFileSync(stateFile, JSON.stringify({ pid: process.pid, port } satisfies ServerState));
  let stopped = false;
  return {
    url: embeddedUrl(port),
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as ServerState;
        if (state.pid === process.pid) fs.rmSync(stateFile, { force: true });
      } catch {
        // already gone
      }
      await server.stop();
      await db.close();
    },
  };
}
