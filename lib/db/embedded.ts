// The embedded default database: PGlite (PostgreSQL compiled to wasm) with its data in a folder,
// served over the PostgreSQL wire protocol on 127.0.0.1 so that the app, `npm run admin:create`,
// `db:migrate` and the jobs/ CLIs all connect to it as to any PostgreSQL server — one process owns
// the data folder, every other process is a client.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { gateConnection } from "@/lib/db/password-gate";

const STATE_FILE = "embedded-db.json";

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface ServerState {
  pid: number;
  port: number;
  /** Generated for each run; the state file is 0600, so only the data folder's owner can read it. */
  password: string;
}

export function embeddedUrl(port: number, password: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
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
  if (typeof state.password !== "string" || !processAlive(state.pid) || !(await canConnect(state.port))) return null;
  return embeddedUrl(state.port, state.password);
}

/** Folders 0700, files 0600, below and including `dir` (symbolic links are left alone). */
function restrictToOwner(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) restrictToOwner(full);
    else if (entry.isFile()) fs.chmodSync(full, 0o600);
  }
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
  // The data folder holds every workspace's data (credentials sealed, the rest not): the owner's
  // only. PGlite (emscripten's NODEFS) creates its files 0666 whatever the umask, so the folders
  // are made 0700 — nobody else can reach a file inside, whatever its mode — and the files are
  // set to 0600 when the server starts, once PGlite has opened the folder, and when it stops.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrictToOwner(dataDir);
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create(path.join(dataDir, "pgdata"));
  restrictToOwner(dataDir);
  // The server multiplexes connections onto PGlite's single session and keeps a transaction's
  // statements together; keepQueriesTogether (below) also keeps each extended-protocol query
  // together, so a small pool per client process is safe. It does not listen itself: pglite-socket
  // lets anyone in, so our listener signs each client in with this run's password first
  // (lib/db/password-gate.ts) and only then hands the connection over.
  const server = new PGLiteSocketServer({ db, maxConnections: 64 });
  keepQueriesTogether(server as unknown as { queryQueue: QueryQueue });
  (server as unknown as { active: boolean }).active = true;
  const password = crypto.randomBytes(24).toString("base64url");
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    gateConnection(socket, password, (admitted) => {
      // handleConnection attaches its data listener synchronously; resuming then replays the
      // StartupMessage the gate put back.
      void (server as unknown as { handleConnection(socket: net.Socket): Promise<void> }).handleConnection(admitted);
      admitted.resume();
    });
  });
  listener.maxConnections = 64 + 16;
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (listener.address() as net.AddressInfo).port;
  const stateFile = path.join(dataDir, STATE_FILE);
  fs.writeFileSync(stateFile, JSON.stringify({ pid: process.pid, port, password } satisfies ServerState), { mode: 0o600 });
  let stopped = false;
  return {
    url: embeddedUrl(port, password),
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
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      await server.stop();
      for (const socket of sockets) socket.destroy();
      await closed;
      await db.close();
      restrictToOwner(dataDir);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// pglite-socket 0.2 queues each protocol message of each connection and, outside a transaction,
// takes them in arrival order — so connection A's Parse can be followed by connection B's Parse
// before A's Bind ("bind message supplies 5 parameters, but prepared statement requires 4",
// "portal does not exist"). Extended-protocol messages belong together until Sync: after a
// Parse, Bind, Describe, Execute, Close or Flush, only the same connection's messages are taken
// until its Sync (or simple Query), exactly as the library already does inside a transaction.

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(message: Uint8Array, options: { onRawData(data: Uint8Array): void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Message types after which the same connection's next messages complete the query (P B D E C H). */
const CONTINUES_QUERY = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

function keepQueriesTogether(server: { queryQueue: QueryQueue }): void {
  const queue = server.queryQueue;
  if (!queue || typeof queue.processQueue !== "function" || !Array.isArray(queue.queue)) {
    throw new Error("@electric-sql/pglite-socket changed its query queue: check keepQueriesTogether in lib/db/embedded.ts");
  }
  let midQuery = false;
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const pinned = this.lastHandlerId !== null && (midQuery || this.db.isInTransaction());
        const index = pinned ? this.queue.findIndex((q) => q.handlerId === this.lastHandlerId) : 0;
        // The pinned connection has not sent its next message yet; its enqueue restarts the loop.
        if (index === -1) break;
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          midQuery = false;
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        midQuery = CONTINUES_QUERY.has(item.message[0]!);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  // A connection that goes away mid-query must not hold the others back.
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (queue.lastHandlerId === handlerId) midQuery = false;
    void queue.processQueue();
  };
}
