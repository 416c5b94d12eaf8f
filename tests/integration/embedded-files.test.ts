// The embedded database's data folder is its owner's only: every folder 0700 while it serves (so
// no file inside can be reached by anyone else), and every file 0600 once it stops — also files
// left world-readable by an earlier version.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startEmbeddedServer } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

function modes(dir: string): { path: string; mode: number; directory: boolean }[] {
  const out = [{ path: dir, mode: fs.statSync(dir).mode & 0o777, directory: true }];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modes(full));
    else if (entry.isFile()) out.push({ path: full, mode: fs.statSync(full).mode & 0o777, directory: false });
  }
  return out;
}

describe.runIf(process.env.TEST_DB === "pglite")("embedded database files", () => {
  it("are the owner's only, also those an earlier version left world-readable", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugboard-files-"));
    fs.chmodSync(dir, 0o777);
    fs.writeFileSync(path.join(dir, "left-over.json"), "{}", { mode: 0o666 });
    fs.chmodSync(path.join(dir, "left-over.json"), 0o666);
    const server = await startEmbeddedServer({ dataDir: dir });
    try {
      await applyMigrations(server.url);
      const folders = modes(dir).filter((f) => f.directory);
      expect(folders.length).toBeGreaterThan(3);
      expect(folders.filter((f) => f.mode !== 0o700).map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([]);
    } finally {
      await server.stop();
    }
    const all = modes(dir);
    expect(all.filter((f) => !f.directory).length).toBeGreaterThan(100);
    expect(all.filter((f) => (f.directory ? f.mode !== 0o700 : f.mode & 0o077)).map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
