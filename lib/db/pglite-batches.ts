// Keeps each client's extended-protocol batch together on the embedded server.
//
// pglite-socket (0.2.x) multiplexes every connection onto PGlite's single session one protocol
// message at a time, and keeps a connection's messages together only inside an SQL transaction.
// A parameterised query is a batch — Parse, Bind, Describe, Execute, Sync — so when two
// connections query at once, one's Parse can land between the other's Parse and Bind and replace
// its unnamed statement ("unnamed prepared statement does not exist", or rows of the wrong query).
// Upstream: electric-sql/pglite#1046. Until it is fixed there, the server's queue is given each
// batch as one message: the parts are held back per connection and sent together with the Sync
// (or Flush) that ends them. PGlite runs a buffer of several messages like a client's stream.
import { logger } from "@/lib/log";

type Enqueue = (handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) => Promise<number>;

// Parse, Bind, Describe, Execute, Close: held until the batch ends.
const BATCH_PARTS = new Set(["P", "B", "D", "E", "C"].map((c) => c.charCodeAt(0)));
// Sync ends a batch; Flush asks for the answers so far (cursors), so it sends what is held too.
const BATCH_ENDS = new Set(["S", "H"].map((c) => c.charCodeAt(0)));

/** Patches a PGLiteSocketServer's query queue in place; leaves it alone if its shape is unknown. */
export function keepExtendedBatchesTogether(server: object): void {
  const queue = (server as { queryQueue?: { enqueue?: Enqueue } }).queryQueue;
  if (!queue || typeof queue.enqueue !== "function") {
    logger.warn("embedded database: pglite-socket changed shape; concurrent queries may interleave");
    return;
  }
  const enqueue = queue.enqueue.bind(queue);
  const held = new Map<number, Uint8Array[]>();
  queue.enqueue = (handlerId, message, onData) => {
    const type = message[0]!;
    if (BATCH_PARTS.has(type)) {
      const parts = held.get(handlerId) ?? [];
      parts.push(message);
      held.set(handlerId, parts);
      // Nothing to answer yet: PostgreSQL answers the parts when the batch runs.
      return Promise.resolve(0);
    }
    const parts = held.get(handlerId);
    if (!parts) return enqueue(handlerId, message, onData);
    held.delete(handlerId);
    if (!BATCH_ENDS.has(type)) {
      // Anything else (a simple query, Terminate) after unfinished parts: send them first, in order.
      return enqueue(handlerId, concat(parts), onData).then(() => enqueue(handlerId, message, onData));
    }
    return enqueue(handlerId, concat([...parts, message]), onData);
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
