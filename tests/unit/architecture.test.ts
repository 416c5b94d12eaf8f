// The shape of lib/, checked over the import graph (static imports, re-exports and import()):
// provider folders are leaves that import only the kit, the pipeline and their SDK; business code
// reaches providers through the registry, never a provider folder; and no two lib/ folders depend
// on each other, directly or round a longer loop.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { providers } from "@/lib/integrations/registry";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== "generated" && entry.name !== "node_modules") out.push(...sourceFiles(rel));
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** Project-internal imports of a file, as "lib/…" paths without extension. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith("@/"))
    .map((name) => name.slice(2).replace(/\.(js|ts|tsx)$/, ""));
}

const PROVIDER_DIRS = new Set(
  fs
    .readdirSync(path.join(ROOT, "lib/integrations"), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "kit")
    .map((e) => `lib/integrations/${e.name}`),
);

/** The folder a module belongs to: a provider folder, the kit, or a top-level lib/ folder (or file). */
export function folderOf(modulePath: string): string {
  const parts = modulePath.split("/");
  if (parts[0] !== "lib") return parts[0]!;
  if (parts[1] === "integrations" && parts.length > 3) return `lib/integrations/${parts[2]}`;
  if (parts.length > 2) return `lib/${parts[1]}`;
  return modulePath.replace(/\.tsx?$/, "");
}

const LIB = sourceFiles("lib");
const CONSUMERS = [...LIB, ...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("jobs"), ...sourceFiles("scripts"), ...sourceFiles("bench")];

/** What a provider folder may import besides itself and npm packages. */
const PROVIDER_MAY_IMPORT = [/^lib\/integrations\/kit\//, /^lib\/pipeline(\/|$)/, /^lib\/config$/, /^lib\/log$/];

function backImports(): string[] {
  const found: string[] = [];
  for (const file of LIB) {
    const from = folderOf(file);
    if (!PROVIDER_DIRS.has(from)) continue;
    for (const target of importsOf(file)) {
      if (folderOf(target) === from || PROVIDER_MAY_IMPORT.some((rule) => rule.test(target))) continue;
      found.push(`${file} -> ${target}`);
    }
  }
  return found;
}

function providerReachIns(): string[] {
  const found: string[] = [];
  for (const file of CONSUMERS) {
    const from = folderOf(file);
    if (PROVIDER_DIRS.has(from) || file === "lib/integrations/registry.ts") continue;
    for (const target of importsOf(file)) if (PROVIDER_DIRS.has(folderOf(target))) found.push(`${file} -> ${target}`);
  }
  return found;
}

/** Strongly connected groups of lib/ folders (Tarjan): every group of two or more is a cycle. */
function folderCycles(): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const file of LIB) {
    const from = folderOf(file);
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === from || !to.startsWith("lib/") || to.startsWith("lib/generated")) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
    }
    if (low.get(node) === indexOf.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!indexOf.has(node)) visit(node);
  return groups;
}

describe("the import graph", () => {
  it("reads imports, re-exports and dynamic imports (so the rules below can fail)", () => {
    expect(folderOf("lib/integrations/stripe/client")).toBe("lib/integrations/stripe");
    expect(folderOf("lib/integrations/kit/ports/email")).toBe("lib/integrations/kit");
    expect(folderOf("lib/integrations/registry")).toBe("lib/integrations");
    expect(folderOf("lib/calendar/session")).toBe("lib/calendar");
    const registryImports = importsOf("lib/integrations/registry.ts");
    expect(registryImports).toContain("lib/integrations/stripe/manifest");
    const manifestImports = importsOf("lib/integrations/stripe/manifest.ts");
    expect(manifestImports.some((i) => i.startsWith("lib/integrations/stripe/"))).toBe(true);
  });

  it("provider folders import only the kit, the pipeline, config, the logger and their own files", () => {
    expect(backImports()).toEqual([]);
  });

  it("nothing but the registry reaches into a provider folder", () => {
    expect(providerReachIns()).toEqual([]);
  });

  it("every provider folder is registered, and every registered provider has its folder", () => {
    expect(new Set(providers.map((p) => `lib/integrations/${p.id}`))).toEqual(PROVIDER_DIRS);
  });

  it("lib/ folders have no import cycles", () => {
    expect(folderCycles()).toEqual([]);
  });
});
