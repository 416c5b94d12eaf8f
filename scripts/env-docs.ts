// Writes .env.example and the configuration table in README.md from the settings schema
// (lib/config.ts) and the provider manifests, so the documentation cannot drift from the code.
// `npm run docs:env` rewrites both; `--check` only reports whether they are current.
import fs from "node:fs";
import path from "node:path";
import { renderEnvExample, renderReadmeTable, README_END, README_START } from "@/lib/env-docs";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const envFile = path.join(root, ".env.example");
const readmeFile = path.join(root, "README.md");
const readme = fs.readFileSync(readmeFile, "utf8");
const start = readme.indexOf(README_START);
const end = readme.indexOf(README_END);
if (start < 0 || end < start) throw new Error(`README.md needs the markers ${README_START} and ${README_END}`);
const newReadme = readme.slice(0, start + README_START.length) + "\n" + renderReadmeTable() + "\n" + readme.slice(end);
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
  console.log("wrote .env.example and the README configuration table");
}
