import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isActiveHref, NAV_GROUPS, visibleNavGroups } from "@/components/shell/nav";

const DASHBOARD = path.resolve(import.meta.dirname, "../../app/(dashboard)");
const items = NAV_GROUPS.flatMap((group) => group.items);

describe("dashboard navigation", () => {
  it("links only to pages that exist", () => {
    for (const item of items) {
      expect(fs.existsSync(path.join(DASHBOARD, item.href, "page.tsx")), `${item.label} → ${item.href}`).toBe(true);
    }
  });

  it("lists every top-level dashboard page, once", () => {
    const pages = fs
      .readdirSync(DASHBOARD, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(DASHBOARD, entry.name, "page.tsx")))
      .map((entry) => `/${entry.name}`);
    expect(items.map((item) => item.href).sort()).toEqual(pages.sort());
  });

  it("gives every link and group a distinct name (tests and screen readers find them by it)", () => {
    const labels = items.map((item) => item.label.toLowerCase());
    expect(new Set(labels).size).toBe(labels.length);
    const groups = NAV_GROUPS.map((group) => group.label);
    expect(new Set(groups).size).toBe(groups.length);
  });

  it("draws only groups that have pages", () => {
    expect(visibleNavGroups().map((group) => group.label)).toEqual(NAV_GROUPS.filter((group) => group.items.length > 0).map((group) => group.label));
    expect(visibleNavGroups([{ label: "Later", items: [] }, NAV_GROUPS[0]])).toEqual([NAV_GROUPS[0]]);
  });

  it("marks a page and its sub-pages active, not look-alikes", () => {
    expect(isActiveHref("/webhooks", "/webhooks")).toBe(true);
    expect(isActiveHref("/webhooks/abc123", "/webhooks")).toBe(true);
    expect(isActiveHref("/webhooksx", "/webhooks")).toBe(false);
    expect(isActiveHref("/events", "/webhooks")).toBe(false);
    expect(isActiveHref("/", "/integrations")).toBe(false);
  });
});
