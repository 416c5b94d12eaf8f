// Writes .env.example, the configuration table and the event catalog in README.md from the code
// (lib/config.ts, the provider manifests, lib/events/catalog.ts), so the documentation cannot
// drift from it. `npm run docs:env` rewrites them; `--check` only reports whether they are current.
import fs from "node:fs";
import path from "node:path";
import { renderEnvExample, renderReadmeTable, README_END, README_START } from "@/lib/env-docs";
import { EVENTS_END, EVENTS_START, renderEventCatalog, replaceBetween } from "@/lib/events/docs";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const envFile = path.join(root, ".env.example");
const readmeFile = path.join(root, "README.md");
const readme = fs.readFileSync(readmeFile, "utf8");
const newReadme = replaceBetween(replaceBetween(readme, README_START, README_END, renderReadmeTable()), EVENTS_START, EVENTS_END, renderEventCatalog());
const newEnv = renderEnvExample();
if (check) {
  const stale = [fs.readFileSync(envFile, "utf8") !== newEnv && ".env.example", readme !== newReadme && "README.md"].filter(Boolean);
  if (stale.length) {
    console.error(`out of date: ${stale.join(", ")} — run npm run docs:env`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(envFile, newEnv);
  fs.writeFileSync(readmeFile, newReadme);
  console.log("wrote .env.example, the README configuration table and the README event catalog");
}
