// The configuration documentation is generated from the code; these fail when someone adds a
// setting or a provider endpoint without regenerating it (npm run docs:env).
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { renderEnvExample, renderReadmeTable } from "@/lib/env-docs";
import { settingsDocumentation } from "@/lib/config";
import { PROVIDERS_END, PROVIDERS_START, renderProviderTable } from "@/lib/integrations/docs";
import { providerEnvironment, providers } from "@/lib/integrations/registry";
import { DEMO_END, DEMO_START, renderDemoTable } from "@/tests/fakes/demo";

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

describe("the README script table", () => {
  it("names only scripts package.json has, and every script a person runs", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const table = readme.slice(readme.indexOf("| Script | What it does |"), readme.indexOf("\n\n", readme.indexOf("| Script | What it does |")));
    const named = new Set([...table.matchAll(/`npm (?:run )?([\w:-]*\w)/g)].map((m) => m[1]!));
    const scripts = Object.keys((JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts);
    for (const name of named) expect(scripts, name).toContain(name);
    // Not in the table: the per-job shortcuts (its job row says so), install hooks and the parts of npm test.
    const internal = /^(job:.*|postinstall|test:.*|typecheck|lint|format|build|db:generate)$/;
    expect(scripts.filter((name) => !internal.test(name) && !named.has(name))).toEqual([]);
  });
});

describe("the README demo table", () => {
  it("is current", () => {
    expect(fs.readFileSync("README.md", "utf8")).toContain(`${DEMO_START}\n${renderDemoTable()}\n${DEMO_END}`);
  });
});

describe("the README provider table", () => {
  it("is current", () => {
    expect(fs.readFileSync("README.md", "utf8")).toContain(`${PROVIDERS_START}\n${renderProviderTable()}\n${PROVIDERS_END}`);
  });

  it("has one row per registered provider, in registry order, with what its slots do and its state", () => {
    const rows = renderProviderTable().split("\n").slice(2);
    expect(rows.map((r) => r.split(" | ")[0]!.slice(2))).toEqual(providers.map((p) => p.name));
    const row = (name: string) => rows.find((r) => r.startsWith(`| ${name} |`))!.split(" | ");
    // Columns: name, category, connects with, what it does, state.
    expect(row("Stripe")[2]).toBe("Form (Secret key); live test reads the account balance");
    expect(row("Twilio")[3]).toContain("SMS sending");
    expect(row("Google Calendar").slice(2)).toEqual([
      "OAuth; live test reads the authorised account; disconnecting revokes the grant",
      "calendar sync and bookings",
      "available |",
    ]);
    // Outlook has no revocation endpoint; Mailchimp also takes an API key.
    expect(row("Outlook Calendar")[2]).toBe("OAuth; live test reads the authorised account");
    expect(row("Mailchimp")[2]).toBe("OAuth; live test reads the authorised account. Or an API key; live test reads the account name and email");
    // LinkedIn and X connect but nothing posts through them yet.
    for (const name of ["LinkedIn", "X"]) expect(row(name)[3]).toBe("connection only: nothing in Plugboard uses it yet");
    expect(row("S3 storage").slice(2)).toEqual([
      "Form (Region, Bucket, Access key ID, Secret access key); live test checks the bucket (HeadBucket), then writes, reads back and deletes a small probe object under the key prefix",
      "file storage",
      "available |",
    ]);
  });
});
