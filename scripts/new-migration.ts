// Writes a new migration from the difference between the schema at a git revision and the
// working schema.prisma, without Prisma's native schema engine (which cannot be downloaded on
// every machine): Prisma 6.19 still ships a wasm engine that `migrate diff` can use through a
// driver adapter. Usage: npm run db:new-migration -- <name> [--from REV]   (needs a PostgreSQL
// server in DATABASE_URL or at 127.0.0.1:5432 for the diff engine's connection).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--"));
const fromRev = args.includes("--from") ? args[args.indexOf("--from") + 1] : "HEAD";
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name> [--from REV]");
  process.exit(2);
}

const tool = path.join(root, ".cache/prisma6");
if (!fs.existsSync(path.join(tool, "node_modules/.bin/prisma"))) {
  fs.mkdirSync(tool, { recursive: true });
  fs.writeFileSync(path.join(tool, "package.json"), '{"name":"prisma6-diff","private":true}\n');
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "prisma@6.19", "@prisma/adapter-pg@6.19", "pg"], { cwd: tool, stdio: "inherit" });
}

// Prisma 6's schema dialect wants a url and a client engine type; Prisma 7's has neither.
function toPrisma6(schema: string): string {
  return schema
    .replace(/generator client \{[^}]*\}/, 'generator client {\n  provider = "prisma-client-js"\n  engineType = "client"\n}')
    .replace(/datasource db \{[^}]*\}/, 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}');
}

const work = fs.mkdtempSync(path.join(tool, "diff-"));
const current = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
let previous = "";
try {
  previous = execFileSync("git", ["show", `${fromRev}:prisma/schema.prisma`], { cwd: root, encoding: "utf8" });
} catch {
  previous = "";
}
fs.writeFileSync(path.join(work, "to.prisma"), toPrisma6(current));
if (previous) fs.writeFileSync(path.join(work, "from.prisma"), toPrisma6(previous));
fs.writeFileSync(
  path.join(work, "prisma.config.ts"),
  `import { PrismaPg } from "@prisma/adapter-pg";
export default { experimental: { adapter: true }, engine: "js", schema: "to.prisma",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }) };
`,
);
const from = previous ? ["--from-schema-datamodel", "from.prisma"] : ["--from-empty"];
const sql = execFileSync(path.join(tool, "node_modules/.bin/prisma"), ["migrate", "diff", ...from, "--to-schema-datamodel", "to.prisma", "--script"], {
  cwd: work,
  encoding: "utf8",
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
fs.rmSync(work, { recursive: true, force: true });
if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
  console.log("schema.prisma has no changes against " + fromRev);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
