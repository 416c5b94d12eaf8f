// Generates the Prisma Client (pure TypeScript + wasm) without downloading Prisma's native
// schema engine, which `prisma generate` otherwise fetches and which is not needed to generate.
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env: NodeJS.ProcessEnv = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
// Any existing file satisfies the CLI's check; generation never runs it.
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
execFileSync(path.join(root, "node_modules/.bin/prisma"), ["generate"], { cwd: root, env, stdio: "inherit" });
