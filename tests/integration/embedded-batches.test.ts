// The embedded server keeps each connection's parameterised queries whole: many clients querying
// at once each get the rows of their own query (pglite-socket alone interleaves their
// Parse/Bind messages on PGlite's single session; see lib/db/embedded.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedServer, type EmbeddedServer } from "@/lib/db/embedded";

// The embedded server is the subject here whatever TEST_DB says; running it once is enough.
describe.runIf(process.env.TEST_DB === "pglite")("embedded server under concurrent clients", () => {
  let server: EmbeddedServer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-batches-"));
    server = await startEmbeddedServer({ dataDir: dir });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers every client's parameterised query with its own rows", async () => {
    const pools = [new pg.Pool({ connectionString: server.url, max: 4 }), new pg.Pool({ connectionString: server.url, max: 4 })];
    try {
      // Transactions hold the session for several round trips, so the other clients' batches
      // queue up behind them — the situation in which their messages used to interleave.
      const inTransaction = async (i: number) => {
        const client = await pools[i % 2]!.connect();
        try {
          await client.query("BEGIN");
          const { rows } = await client.query<{ n: number }>("SELECT $1::int AS n", [i]);
          await client.query("COMMIT");
          return rows[0]!.n === i;
        } finally {
          client.release();
        }
      };
      // Different shapes (1 and 2 parameters, different columns), so a mixed-up statement fails loudly.
      const queries = Array.from({ length: 120 }, async (_, i) => {
        const pool = pools[i % 2]!;
        if (i % 4 === 0) return inTransaction(i);
        if (i % 4 === 1) {
          const { rows } = await pool.query<{ n: number; tag: string }>("SELECT $1::int AS n, $2::text AS tag", [i, `q${i}`]);
          return rows[0]!.n === i && rows[0]!.tag === `q${i}`;
        }
        const { rows } = await pool.query<{ doubled: number }>("SELECT $1::int * 2 AS doubled", [i]);
        return rows[0]!.doubled === i * 2;
      });
      const results = await Promise.allSettled(queries);
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      expect(results.every((r) => r.status === "fulfilled" && r.value)).toBe(true);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it("still runs transactions and simple queries between batches", async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query("CREATE TABLE IF NOT EXISTS t (n int)");
      await client.query("BEGIN");
      await client.query("INSERT INTO t VALUES ($1)", [41]);
      await client.query("ROLLBACK");
      await client.query("INSERT INTO t VALUES ($1)", [42]);
      expect((await client.query("SELECT n FROM t")).rows).toEqual([{ n: 42 }]);
      await expect(client.query("SELECT $1::int", ["not a number"])).rejects.toThrow(/invalid input syntax/);
      // The failed batch ended cleanly: the connection keeps working.
      expect((await client.query("SELECT $1::int AS n", [7])).rows).toEqual([{ n: 7 }]);
    } finally {
      await client.end();
    }
  });
});
