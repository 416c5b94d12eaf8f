// `npm run bench`: runs every benchmark in bench/ in turn and prints their figures.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const skip = new Set(["run-all.ts", "lib.ts"]);
const only = process.argv.slice(2);
const benches = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !skip.has(f) && (!only.length || only.includes(f.replace(/\.ts$/, ""))));
let failed = 0;
for (const file of benches.sort()) {
  console.log(`\n== bench/${file.replace(/\.ts$/, "")}`);
  const result = spawnSync(path.join(dir, "../node_modules/.bin/tsx"), [path.join(dir, file)], { stdio: "inherit", env: { ...process.env, NO_PROXY: "127.0.0.1,localhost" } });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
