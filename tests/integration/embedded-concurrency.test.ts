// The embedded database under concurrent use: transactions on some connections while others run
// parameterised (extended-protocol) queries must neither fail nor answer with another query's
// statement. (pglite-socket interleaved them until lib/db/embedded.ts kept sequences together.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedServer, type EmbeddedServer } from "@/lib/db/embedded";

// The server under test is the embedded one whatever the project; once is enough.
describe.runIf(process.env.TEST_DB === "pglite")("embedded database, many connections", () => {
  let dir: string;
  let server: EmbeddedServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-embedded-"));
    server = await startEmbeddedServer({ dataDir: dir });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps each connection's statements, transactions or not", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 8 });
    const problems: string[] = [];
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        try {
          if (i % 3 === 0) {
            const client = await pool.connect();
            try {
              await client.query("BEGIN");
              const { rows } = await client.query("SELECT $1::int * 7 AS t", [i]);
              if (rows[0]?.t !== i * 7) problems.push(`transaction ${i} got ${JSON.stringify(rows[0])}`);
              await client.query("COMMIT");
            } finally {
              client.release();
            }
          } else {
            const { rows } = await pool.query(i % 2 ? "SELECT $1::int AS v" : "SELECT $1::int * 1000 AS w", [i]);
            const ok = i % 2 ? rows[0]?.v === i : rows[0]?.w === i * 1000;
            if (!ok) problems.push(`query ${i} got ${JSON.stringify(rows[0])}`);
          }
        } catch (error) {
          problems.push(`${i}: ${(error as Error).message}`);
        }
      }),
    );
    await pool.end();
    expect(problems).toEqual([]);
  });
});
