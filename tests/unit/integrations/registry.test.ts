// The provider registry as data: the ids the product promises, what is connectable, and that the
// catalog carries no code or schema.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, getProvider, providerEnvironment, providerIds, providers } from "@/lib/integrations/registry";
import { PROVIDER_CATEGORIES } from "@/lib/integrations/kit/manifest";

const EXPECTED_IDS = ["google-calendar", "outlook-calendar", "mailchimp", "linkedin", "x", "odoo", "stripe", "sendgrid", "smtp", "twilio", "s3"];

describe("provider registry", () => {
  it("lists exactly the 11 product providers, each once", () => {
    expect([...providerIds].sort()).toEqual([...EXPECTED_IDS].sort());
    expect(new Set(providerIds).size).toBe(providerIds.length);
  });

  it("makes the API-key and OAuth providers that work available; the rest are coming soon", () => {
    const available = providers.filter((p) => p.status === "available").map((p) => p.id);
    expect(available.sort()).toEqual(["google-calendar", "linkedin", "mailchimp", "odoo", "outlook-calendar", "sendgrid", "smtp", "stripe", "twilio", "x"]);
    for (const p of providers) {
      if (p.status === "available") {
        // Something must drive the connect button: an API-key adapter, or the provider's OAuth module.
        if (p.authType === "api_key") expect(typeof p.adapter).toBe("function");
        else expect(typeof p.oauth.provider).toBe("function");
      } else {
        // Coming soon: nothing that could drive a connect button.
        expect(p.authType === "api_key" ? p.adapter : p.oauth.provider).toBeUndefined();
      }
    }
    // Mailchimp takes an API key beside OAuth, through the generic API-key flow.
    const mailchimp = getProvider("mailchimp");
    expect(mailchimp?.authType === "oauth2" && typeof mailchimp.apiKey?.adapter).toBe("function");
  });

  it("gives every provider a category, docs link and an icon file under public/providers", () => {
    for (const p of providers) {
      expect(PROVIDER_CATEGORIES).toContain(p.category);
      expect(p.docsUrl).toMatch(/^https:\/\//);
      expect(p.icon).toBe(`/providers/${p.id}.svg`);
      const file = path.join(process.cwd(), "public", p.icon);
      expect(fs.existsSync(file), file).toBe(true);
      expect(fs.readFileSync(file, "utf8")).toMatch(/^<svg[^>]+viewBox="0 0 32 32"/);
    }
  });

  it("declares API-key fields that match the schema, and real https OAuth endpoints with scopes", () => {
    for (const p of providers) {
      if (p.authType === "api_key") {
        expect(p.capabilities).toContain("api_key");
        expect(p.fields.length).toBeGreaterThan(0);
        expect(p.fields.some((f) => f.secret)).toBe(true);
        const shape = Object.keys((p.schema as unknown as { shape: Record<string, unknown> }).shape).sort();
        expect(p.fields.map((f) => f.name).sort()).toEqual(shape);
      } else {
        expect(p.capabilities).toContain("oauth");
        for (const url of [p.oauth.authorizeUrl, p.oauth.tokenUrl, p.oauth.revokeUrl, p.oauth.userinfoUrl]) {
          if (url) expect(url.default).toMatch(/^https:\/\/[a-z0-9.-]+\//);
        }
        expect(p.oauth.clientIdEnv).toMatch(/^[A-Z][A-Z0-9_]+$/);
        for (const scope of p.oauth.requiredScopes ?? []) expect(p.oauth.scopes).toContain(scope);
      }
    }
    expect(getProvider("google-calendar")).toMatchObject({ oauth: { tokenUrl: { default: "https://oauth2.googleapis.com/token" } } });
    expect(getProvider("x")).toMatchObject({ oauth: { scopes: expect.arrayContaining(["offline.access"]) } });
  });

  it("lists every environment variable once, with the documented API base defaults", () => {
    const env = providerEnvironment();
    const names = env.map((e) => e.env);
    expect(new Set(names).size).toBe(names.length);
    expect(env).toContainEqual(expect.objectContaining({ env: "STRIPE_API_BASE", default: "https://api.stripe.com", providerId: "stripe" }));
    expect(env).toContainEqual(expect.objectContaining({ env: "SENDGRID_API_BASE", default: "https://api.sendgrid.com", providerId: "sendgrid" }));
    expect(env.filter((e) => e.secret).every((e) => e.env.endsWith("_CLIENT_SECRET"))).toBe(true);
  });

  it("serves a catalog of plain data: no schema, no adapter, flags for available/coming soon", () => {
    const entries = catalog();
    expect(entries.map((e) => e.id)).toEqual([...providerIds]);
    const roundTrip = JSON.parse(JSON.stringify(entries));
    expect(roundTrip).toEqual(entries);
    for (const e of entries) {
      expect(e).not.toHaveProperty("schema");
      expect(e).not.toHaveProperty("adapter");
      expect(e.available).toBe(!e.comingSoon);
    }
    const stripe = entries.find((e) => e.id === "stripe")!;
    expect(stripe.authFields.map((f) => [f.name, f.secret, f.required])).toEqual([
      ["secretKey", true, true],
      ["webhookSecret", true, false],
    ]);
    expect(entries.find((e) => e.id === "linkedin")!.authFields).toEqual([]);
    expect(entries.find((e) => e.id === "mailchimp")!.authFields.map((f) => f.name)).toEqual(["apiKey"]);
  });
});
