// The configuration documentation is generated from the code; these fail when someone adds a
// setting or a provider endpoint without regenerating it (npm run docs:env).
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { renderEnvExample, renderReadmeTable } from "@/lib/env-docs";
import { settingsDocumentation } from "@/lib/config";
import { providerEnvironment } from "@/lib/integrations/registry";

describe("configuration documentation", () => {
  it(".env.example is current", () => {
    expect(fs.readFileSync(".env.example", "utf8")).toBe(renderEnvExample());
  });

  it("the README table is current", () => {
    expect(fs.readFileSync("README.md", "utf8")).toContain(renderReadmeTable());
  });

  it("documents every setting and provider variable with a description", () => {
    const env = fs.readFileSync(".env.example", "utf8");
    for (const s of settingsDocumentation()) {
      expect(s.description, s.name).not.toBe("");
      if (s.name !== "NODE_ENV" && s.name !== "PLUGBOARD_EMBEDDED") expect(env).toContain(`${s.name}=`);
    }
    for (const p of providerEnvironment()) expect(env).toContain(`${p.env}=`);
  });
});
