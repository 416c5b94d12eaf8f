// The embedded database serves many client connections over PGlite's single session. Concurrent
// connections' extended-protocol exchanges (Parse, Bind, Execute … Sync) must not interleave: with
// pglite-socket's own queue they did, and one connection's Bind met another's Parse.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db/client";
import { startEmbeddedServer } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

// The server is the same whichever database the other tests target; run it once, in the PGlite project.
describe.runIf(process.env.TEST_DB === "pglite")("embedded database sessions", () => {
  it("keeps concurrent connections' queries apart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-sessions-"));
    const server = await startEmbeddedServer({ dataDir: dir });
    const clients = Array.from({ length: 4 }, () => createPrismaClient(server.url, 4));
    try {
      await applyMigrations(server.url);
      const workspace = await clients[0]!.workspace.create({ data: { name: "Sessions" } });
      const failures: string[] = [];
      // Statements with different parameter counts, so a Bind meeting the wrong Parse fails loudly.
      await Promise.all(
        Array.from({ length: 120 }, async (_, i) => {
          const db = clients[i % clients.length]!;
          try {
            if (i % 4 === 0) await db.workspace.updateMany({ where: { id: workspace.id, name: { not: "x" } }, data: { name: `n${i}` } });
            else if (i % 4 === 1) await db.workspace.findUnique({ where: { id: workspace.id } });
            else if (i % 4 === 2) await db.connection.findMany({ where: { workspaceId: workspace.id, providerId: { in: ["a", "b", "c", "d"] }, status: { not: "disconnected" } } });
            else {
              await db.$transaction(
                async (tx) => {
                  await tx.auditLog.create({ data: { workspaceId: workspace.id, actor: "test", action: `a${i}` } });
                  await tx.workspace.findUnique({ where: { id: workspace.id } });
                  // One session serves everyone: a busy machine must not turn waiting into a failure.
                },
                { maxWait: 30_000, timeout: 30_000 },
              );
            }
          } catch (error) {
            failures.push((error as Error).message.split("\\n").pop() ?? "");
          }
        }),
      );
      expect(failures).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
