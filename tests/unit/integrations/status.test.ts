// How a connection row becomes the card's status.
import { describe, expect, it } from "vitest";
import { statusFromRow, type StatusRow } from "@/lib/connections/status";

const row = (over: Partial<StatusRow> = {}): StatusRow => ({
  id: "conn_stripe_1",
  providerId: "stripe",
  pausedAt: null,
  status: "connected",
  accountLabel: "Stripe (test mode)",
  lastSyncAt: null,
  lastTestedAt: new Date("2026-11-21T10:00:00Z"),
  expiresAt: null,
  needsReauth: false,
  callCount: 12,
  errorCount: 2,
  usageLabel: null,
  usageValue: null,
  lastError: null,
  lastErrorCategory: null,
  circuitState: "closed",
  ...over,
});

describe("statusFromRow", () => {
  it("is inactive with no connection", () => {
    expect(statusFromRow("x", null)).toMatchObject({
      providerId: "x",
      connected: false,
      status: "inactive",
      connectionStatus: "disconnected",
      usage: [],
      lastError: null,
      circuitState: "closed",
    });
  });

  it("says paused while an admin has paused a live connection (and not for a disconnected one)", () => {
    expect(statusFromRow("stripe", row({ pausedAt: new Date("2026-11-21T10:00:00Z") }))).toMatchObject({ paused: true, connected: true, connectionId: "conn_stripe_1" });
    expect(statusFromRow("stripe", row({ status: "disconnected", pausedAt: new Date("2026-11-21T10:00:00Z") }))).toMatchObject({ paused: false, connected: false });
  });

  it("is active when connected and healthy, with usage counters and ISO dates", () => {
    expect(statusFromRow("stripe", row({ usageLabel: "Payments synced", usageValue: "1,204" }))).toEqual({
      providerId: "stripe",
      connectionId: "conn_stripe_1",
      paused: false,
      connected: true,
      status: "active",
      connectionStatus: "connected",
      accountLabel: "Stripe (test mode)",
      lastSyncAt: null,
      lastTestedAt: "2026-11-21T10:00:00.000Z",
      tokenExpiresAt: null,
      tokenRenews: false,
      needsReauth: false,
      usage: [
        { label: "Calls", value: 12 },
        { label: "Errors", value: 2 },
        { label: "Payments synced", value: "1,204" },
      ],
      lastError: null,
      circuitState: "closed",
    });
  });

  it("is error when failing, needing re-auth or with the breaker open", () => {
    expect(statusFromRow("stripe", row({ status: "error", lastError: "nope", lastErrorCategory: "auth", needsReauth: true }))).toMatchObject({
      connected: true,
      status: "error",
      needsReauth: true,
      lastError: { message: "nope", category: "auth" },
    });
    expect(statusFromRow("stripe", row({ circuitState: "open" })).status).toBe("error");
    // An OAuth token with a stored refresh token renews itself — unless the grant was refused.
    expect(statusFromRow("x", row({ refreshable: true })).tokenRenews).toBe(true);
    expect(statusFromRow("x", row({ refreshable: true, needsReauth: true })).tokenRenews).toBe(false);
    expect(statusFromRow("stripe", row({ lastError: "old", lastErrorCategory: null })).lastError).toEqual({ message: "old", category: "unknown" });
  });

  it("is inactive once disconnected", () => {
    expect(statusFromRow("stripe", row({ status: "disconnected", accountLabel: null }))).toMatchObject({ connected: false, status: "inactive" });
  });
});
