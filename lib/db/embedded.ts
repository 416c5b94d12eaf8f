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
  // Handlers pick the queue up when a client connects, so this must precede start().
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
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

type ProtocolSession = Pick<import("@electric-sql/pglite").PGlite, "execProtocolRawStream" | "runExclusive" | "isInTransaction" | "exec">;

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

// Extended-query messages that are followed by more of the same exchange (up to its Sync):
// Parse, Bind, Describe, Execute, Flush, Close.
const MID_EXCHANGE = new Set([0x50, 0x42, 0x44, 0x45, 0x48, 0x43]);

/**
 * Puts every client connection's messages through PGlite's single session (replacing
 * pglite-socket's queue, which keeps one connection's messages together only inside a
 * transaction). Outside a transaction the extended-query messages of concurrent connections would
 * interleave — one connection's Bind landing on another's Parse ("bind message supplies 13
 * parameters, but prepared statement requires 3"). Here the session belongs to one connection from
 * its first message until it is back at a boundary: its Sync or simple Query, outside a transaction.
 */
export class SessionQueue {
  private queue: QueuedMessage[] = [];
  private owner: number | null = null;
  private draining = false;

  constructor(private readonly db: ProtocolSession) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        // The owner's next message only arrives once its previous one is answered: wait for it.
        const index = this.owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === this.owner);
        if (index < 0 || this.queue.length === 0) break;
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item!.onData(data);
              },
            }),
          );
        } catch (error) {
          this.owner = this.db.isInTransaction() ? item!.handlerId : null;
          item!.reject(error);
          continue;
        }
        const midExchange = MID_EXCHANGE.has(item!.message[0] ?? 0);
        this.owner = midExchange || this.db.isInTransaction() ? item!.handlerId : null;
        item!.resolve(bytes);
      }
    } finally {
      this.draining = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** A client went away: drop its queued messages and free the session if it held it. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((m) => {
      if (m.handlerId !== handlerId) return true;
      m.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    await this.drain();
  }
}
