// The README's event catalog is generated from lib/webhooks-out/catalog.ts (npm run docs:env); this
// fails when someone adds or changes an event without regenerating it.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_CATALOG } from "@/lib/webhooks-out/catalog";
import { EVENTS_END, EVENTS_START, renderEventCatalog } from "@/lib/events/docs";

describe("event catalog documentation", () => {
  const readme = fs.readFileSync("README.md", "utf8");

  it("the README's event table is the generated one", () => {
    const section = readme.slice(readme.indexOf(EVENTS_START) + EVENTS_START.length, readme.indexOf(EVENTS_END)).trim();
    expect(section).toBe(renderEventCatalog());
  });

  it("documents every event with a description and an example payload", () => {
    const types = EVENT_CATALOG.map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
    for (const event of EVENT_CATALOG) {
      expect(event.type).toMatch(/^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$/);
      expect(event.description.length, event.type).toBeGreaterThan(10);
      expect(Object.keys(event.example).length, event.type).toBeGreaterThan(0);
      expect(readme).toContain(`| \`${event.type}\` |`);
    }
  });

  it("names the events the issue asks for", () => {
    const types = EVENT_CATALOG.map((e) => e.type);
    for (const required of [
      "connection.connected",
      "connection.disconnected",
      "connection.error",
      "connection.needs_reauth",
      "sync.completed",
      "sync.failed",
      "booking.created",
      "booking.updated",
      "booking.cancelled",
      "contact.created",
      "contact.updated",
      "payment.succeeded",
      "payment.failed",
      "message.received",
      "lead.exported",
      "endpoint.disabled",
    ])
      expect(types).toContain(required);
  });
});
