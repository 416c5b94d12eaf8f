// Writes .env.example, the provider table, the configuration table, the event catalog, the job table
// and the demo's table of test keys in README.md, and vercel.json's crons, from the code (lib/config, the provider manifests,
// lib/webhooks-out/catalog.ts, lib/jobs/registry.ts), so neither can drift from it. `npm run docs:env` rewrites them; `--check`
// only reports whether they are current.
import fs from "node:fs";
import path from "node:path";
import { renderEnvExample, renderReadmeTable, README_END, README_START } from "@/lib/env-docs";
import { EVENTS_END, EVENTS_START, renderEventCatalog, replaceBetween } from "@/lib/events/docs";
import { PROVIDERS_END, PROVIDERS_START, renderProviderTable } from "@/lib/integrations/docs";
import { DEMO_END, DEMO_START, renderDemoTable } from "@/tests/fakes/demo";
import { JOBS_END, JOBS_START, renderJobsTable, renderVercelJson } from "@/lib/jobs/docs";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const envFile = path.join(root, ".env.example");
const readmeFile = path.join(root, "README.md");
const vercelFile = path.join(root, "vercel.json");
const readme = fs.readFileSync(readmeFile, "utf8");
const vercel = fs.readFileSync(vercelFile, "utf8");
let newReadme = replaceBetween(readme, PROVIDERS_START, PROVIDERS_END, renderProviderTable());
newReadme = replaceBetween(newReadme, README_START, README_END, renderReadmeTable());
newReadme = replaceBetween(newReadme, EVENTS_START, EVENTS_END, renderEventCatalog());
newReadme = replaceBetween(newReadme, JOBS_START, JOBS_END, renderJobsTable());
newReadme = replaceBetween(newReadme, DEMO_START, DEMO_END, renderDemoTable());
const newEnv = renderEnvExample();
const newVercel = renderVercelJson(vercel);
if (check) {
  const stale = [fs.readFileSync(envFile, "utf8") !== newEnv && ".env.example", readme !== newReadme && "README.md", vercel !== newVercel && "vercel.json"].filter(Boolean);
  if (stale.length) {
    console.error(`out of date: ${stale.join(", ")} — run npm run docs:env`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(envFile, newEnv);
  fs.writeFileSync(readmeFile, newReadme);
  fs.writeFileSync(vercelFile, newVercel);
  console.log("wrote .env.example, the README provider table, configuration table, event catalog, job table and demo table, and vercel.json's crons");
}
