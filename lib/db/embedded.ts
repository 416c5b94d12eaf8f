// The embedded default database: PGlite (PostgreSQL compiled to wasm) with its data in a folder,
// served over the PostgreSQL wire protocol on 127.0.0.1 so that the app, `npm run admin:create`,
// `db:migrate` and the jobs/ CLIs all connect to it as to any PostgreSQL server — one process owns
// the data folder, every other process is a client.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

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

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface SocketQueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

interface ProtocolDb {
  isInTransaction(): boolean;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<unknown>;
}

// Extended-query messages (Parse, Bind, Describe, Execute, Close, Flush) belong together until
// the client's Sync; a simple Query stands alone.
const SEQUENCE_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48].map((c) => c));
const SYNC = 0x53;

/**
 * pglite-socket 0.2 feeds PGlite (one session) from all connections message by message, keeping
 * only transactions together. A transaction that starts while another connection is between its
 * Parse and its Sync replaces that connection's unnamed statement and portal: its next message
 * fails ("unnamed prepared statement does not exist", "portal \"\" does not exist"), or binds
 * the wrong statement. This replaces the queue's scheduling so an unfinished extended-query
 * sequence, like a transaction, is only followed by its own connection's messages. (It also
 * keeps the queue running after a failed message, which the library's loop does not.)
 */
function keepQuerySequencesTogether(server: object, db: ProtocolDb): void {
  const queue = (server as { queryQueue?: SocketQueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== "function") {
    throw new Error("@electric-sql/pglite-socket changed its query queue; review keepQuerySequencesTogether in lib/db/embedded.ts");
  }
  let openSequence: number | null = null;
  queue.processQueue = async () => {
    if (queue.processing) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const owner = openSequence ?? (db.isInTransaction() ? queue.lastHandlerId : null);
        const index = owner === null ? 0 : queue.queue.findIndex((m) => m.handlerId === owner);
        // The owner has not sent its next message yet: wait for it (enqueue restarts the loop).
        if (index === -1) break;
        const [item] = queue.queue.splice(index, 1);
        const type = item!.message[0]!;
        let bytes = 0;
        try {
          await db.runExclusive(() => db.execProtocolRawStream(item!.message, { onRawData: (data) => ((bytes += data.length), item!.onData(data)) }));
        } catch (error) {
          if (openSequence === item!.handlerId) openSequence = null;
          item!.reject(error);
          continue;
        }
        if (SEQUENCE_MESSAGES.has(type)) openSequence = item!.handlerId;
        else if (type === SYNC && openSequence === item!.handlerId) openSequence = null;
        queue.lastHandlerId = item!.handlerId;
        item!.resolve(bytes);
      }
    } finally {
      queue.processing = false;
    }
  };
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that went away mid-sequence must not hold the others up.
    if (openSequence === handlerId) {
      openSequence = null;
      void queue.processQueue();
    }
  };
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
  keepQuerySequencesTogether(server, db);
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
