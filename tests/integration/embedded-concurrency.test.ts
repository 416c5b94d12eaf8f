// The embedded server multiplexes every client connection onto PGlite's single session. Extended-
// protocol queries (Parse, Bind, Execute … Sync) from different connections must not interleave,
// or one connection's Bind meets another's Parse ("bind message supplies 5 parameters, but
// prepared statement requires 4"). Concurrent requests of the app do exactly this.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmbeddedServer, type EmbeddedServer } from "@/lib/db/embedded";

let dir: string;
let server: EmbeddedServer;
beforeAll(async () => {
  if (process.env.TEST_DB === "postgres") return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-embedded-"));
  server = await startEmbeddedServer({ dataDir: dir });
});
afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// About the embedded server itself: run once, in the pglite project.
it.skipIf(process.env.TEST_DB === "postgres")("keeps each connection's extended-protocol queries together under concurrency", async () => {
  const pool = new pg.Pool({ connectionString: server.url, max: 8 });
  try {
    const queries = Array.from({ length: 400 }, (_, i) => {
      // Different parameter counts and sizes, so interleaved messages would not fit each other.
      const n = 1 + (i % 5);
      const params = Array.from({ length: n }, (_, j) => `${i}-${j}-${"x".repeat((i * 37) % 3000)}`);
      const sql = `SELECT ${params.map((_, j) => `length($${j + 1}::text)`).join(" + ")} AS total`;
      return pool.query(sql, params).then((r) => Number(r.rows[0].total) === params.reduce((a, p) => a + p.length, 0));
    });
    const results = await Promise.allSettled(queries);
    const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures.slice(0, 3)).toEqual([]);
    expect(results.every((r) => r.status === "fulfilled" && r.value)).toBe(true);
    // A transaction on one connection while others query.
    const client = await pool.connect();
    await client.query("BEGIN");
    await client.query("CREATE TEMP TABLE t (n int)");
    const others = Promise.all(Array.from({ length: 20 }, (_, i) => pool.query("SELECT $1::int AS n", [i])));
    await client.query("INSERT INTO t VALUES ($1), ($2)", [1, 2]);
    expect((await client.query("SELECT sum(n)::int AS s FROM t")).rows[0].s).toBe(3);
    await client.query("COMMIT");
    client.release();
    expect((await others).map((r) => r.rows[0].n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  } finally {
    await pool.end();
  }
});
