// The embedded database answers only clients that know the password generated for its run (kept
// in the data folder's 0600 state file). pglite-socket on its own let any user and any password in.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRunningEmbeddedServer, startEmbeddedServer, type EmbeddedServer } from "@/lib/db/embedded";

async function query(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query("SELECT 41 + 1 AS answer")).rows[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** Sends raw bytes and returns the first answer (or "" when the server closes without one). */
function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(bytes));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data);
    });
    socket.once("close", () => resolve(Buffer.alloc(0)));
    socket.once("error", reject);
  });
}

describe.runIf(process.env.TEST_DB === "pglite")("embedded database password", () => {
  let dir: string;
  let server: EmbeddedServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-password-"));
    server = await startEmbeddedServer({ dataDir: dir });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lets in a client with this run's password, found through the owner-only state file", async () => {
    const found = await findRunningEmbeddedServer(dir);
    expect(found).toBe(server.url);
    expect(new URL(server.url).password.length).toBeGreaterThanOrEqual(32);
    const stateFile = fs.readdirSync(dir).find((name) => name.endsWith(".json"))!;
    expect(fs.statSync(path.join(dir, stateFile)).mode & 0o777).toBe(0o600);
    expect(await query(server.url)).toEqual({ answer: 42 });
  });

  it("refuses a wrong or empty password, and any other user without it, with PostgreSQL's 28P01", async () => {
    for (const url of [
      withPassword(server.url, "postgres"),
      withPassword(server.url, ""),
      withPassword(server.url, new URL(server.url).password.slice(0, -1)),
      `postgresql://someone:postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`,
    ]) {
      await expect(query(url), url.replace(/:[^:@/]*@/, ":…@")).rejects.toMatchObject({ code: "28P01" });
    }
    // The server still serves the right client after the refusals.
    expect(await query(server.url)).toEqual({ answer: 42 });
  });

  it("declines TLS like a plain PostgreSQL server and asks for the password before anything else", async () => {
    const sslRequest = Buffer.alloc(8);
    sslRequest.writeInt32BE(8, 0);
    sslRequest.writeInt32BE(80877103, 4);
    expect((await exchange(server.port, sslRequest)).toString()).toBe("N");

    const params = Buffer.from("user\0postgres\0database\0postgres\0\0");
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    const answer = await exchange(server.port, Buffer.concat([startup, params]));
    expect(answer.subarray(0, 1).toString()).toBe("R");
    expect(answer.readInt32BE(5)).toBe(5); // AuthenticationMD5Password, not AuthenticationOk (0)

    // A client that sends a query instead of signing in is refused, not served.
    const simpleQuery = Buffer.concat([Buffer.from("Q"), Buffer.alloc(4), Buffer.from("SELECT 1\0")]);
    simpleQuery.writeInt32BE(4 + 9, 1);
    const refused = await exchange(server.port, simpleQuery);
    expect(refused.subarray(0, 1).toString()).toBe("E");
  });
});
