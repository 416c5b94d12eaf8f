// The provider registry as data: the ids the product promises, what is connectable, and that the
// catalog carries no code or schema.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, getProvider, loadPort, providerEnvironment, providerIds, providers } from "@/lib/integrations/registry";
import { CAPABILITY_SLOTS, PROVIDER_CATEGORIES, type CapabilitySlot } from "@/lib/integrations/kit/manifest";

const EXPECTED_IDS = ["google-calendar", "outlook-calendar", "mailchimp", "linkedin", "x", "odoo", "stripe", "sendgrid", "smtp", "twilio", "s3"];

describe("provider registry", () => {
  it("lists exactly the 11 product providers, each once", () => {
    expect([...providerIds].sort()).toEqual([...EXPECTED_IDS].sort());
    expect(new Set(providerIds).size).toBe(providerIds.length);
  });

  it("makes the API-key and OAuth providers that work available; the rest are coming soon", () => {
    const available = providers.filter((p) => p.status === "available").map((p) => p.id);
    expect(available.sort()).toEqual(["google-calendar", "linkedin", "mailchimp", "odoo", "outlook-calendar", "s3", "sendgrid", "smtp", "stripe", "twilio", "x"]);
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

  it("lists the slots a connection of the provider can be made the default of, without inbound", () => {
    const slotsOf = (id: string) => catalog().find((e) => e.id === id)!.slots;
    expect(slotsOf("stripe")).toEqual(["payments"]);
    expect(slotsOf("smtp")).toEqual(["email"]);
    expect(slotsOf("google-calendar")).toEqual(["calendar"]);
    // Stripe, Twilio and Mailchimp receive webhooks too: no default is chosen for those.
    expect(slotsOf("twilio")).toEqual(["sms"]);
    expect(slotsOf("mailchimp")).toEqual(["marketing"]);
    expect(slotsOf("s3")).toEqual(["storage"]);
  });
});

// The catalog card shows `capabilities` as chips and the search matches them: each must be backed
// by what the manifest really declares, so the dashboard promises nothing nobody built.
describe("capability claims", () => {
  // Slots whose ports move records between Plugboard and the provider: calendar events both ways,
  // CRM leads/events out and products in, contacts out to audiences.
  const SYNC_SLOTS: CapabilitySlot[] = ["calendar", "crm", "marketing"];
  it("claims oauth and api_key exactly where there is a way to connect that way", () => {
    for (const p of providers) {
      expect(p.capabilities.includes("oauth"), p.id).toBe(p.authType === "oauth2");
      expect(p.capabilities.includes("api_key"), p.id).toBe(p.authType === "api_key" || Boolean(p.apiKey));
    }
  });

  it("claims webhooks exactly where an inbound slot receives them", () => {
    for (const p of providers) {
      const receives = Boolean(p.slots?.inbound);
      expect(p.capabilities.includes("webhooks"), p.id).toBe(receives);
    }
    // Nothing receives SendGrid's Event Webhook or calendar push notifications.
    for (const id of ["sendgrid", "google-calendar", "outlook-calendar"]) expect(getProvider(id)!.capabilities).not.toContain("webhooks");
  });

  it("claims sync exactly where a slot syncs records", () => {
    for (const p of providers) expect(p.capabilities.includes("sync"), p.id).toBe(SYNC_SLOTS.some((slot) => p.slots?.[slot]));
  });

  it("declares no slot for a coming-soon provider, and every declared slot loads its port", async () => {
    for (const p of providers) {
      if (p.status === "coming_soon") expect(p.slots ?? {}, p.id).toEqual({});
      for (const slot of CAPABILITY_SLOTS) {
        if (!p.slots?.[slot] || p.status !== "available") continue;
        const port = await loadPort(p.id, slot);
        expect(port && typeof port === "object", `${p.id} ${slot}`).toBe(true);
      }
    }
  });

  it("says what the live test checks wherever an API-key adapter runs one", () => {
    for (const p of providers) {
      const method = p.authType === "api_key" ? p : p.apiKey;
      if (method?.adapter) expect(method.liveTest, p.id).toMatch(/^[a-z]/);
      else expect(method?.liveTest, p.id).toBeUndefined();
    }
  });

  it("receives webhooks from Stripe, Twilio and Mailchimp through their inbound slots", () => {
    const withInbound = providers
      .filter((p) => p.slots?.inbound)
      .map((p) => p.id)
      .sort();
    expect(withInbound).toEqual(["mailchimp", "stripe", "twilio"]);
  });
});
