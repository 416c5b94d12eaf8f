// Several accounts per provider on the dashboard: a card per live connection (one Connect card
// for a provider without any), the summary counting connections, "Used by default" only where no
// admin chose, the search reaching account labels, and the cache kept right after a connect or a
// disconnect answered with one connection's status.
import { describe, expect, it } from "vitest";
import type { ConnectionEntry, IntegrationStatus, Provider, StatusResponse } from "@/components/api/types";
import { countStates, providerCards, searchCards, withConnectionStatus } from "@/components/integrations/state";
import { catalogEntry, getProvider } from "@/lib/integrations/registry";

const provider = (id: string): Provider => catalogEntry(getProvider(id)!);
const stripe = provider("stripe");
const smtp = provider("smtp");
const sendgrid = provider("sendgrid");

function status(providerId: string, connectionId: string | null, over: Partial<IntegrationStatus> = {}): IntegrationStatus {
  return {
    providerId,
    connectionId,
    paused: false,
    connected: true,
    status: "active",
    connectionStatus: "connected",
    accountLabel: `${providerId} ${connectionId}`,
    lastSyncAt: null,
    lastTestedAt: null,
    tokenExpiresAt: null,
    tokenRenews: false,
    needsReauth: false,
    usage: [],
    lastError: null,
    circuitState: "closed",
    ...over,
  };
}

const entry = (providerId: string, connectionId: string, defaultFor: ConnectionEntry["defaultFor"] = [], over: Partial<IntegrationStatus> = {}): ConnectionEntry => ({
  ...status(providerId, connectionId, over),
  connectionId,
  defaultFor,
});

const disconnected = (providerId: string, connectionId: string | null = null) =>
  status(providerId, connectionId, { connected: false, status: "inactive", connectionStatus: "disconnected", accountLabel: null });

function answer(connections: ConnectionEntry[], integrations: Record<string, IntegrationStatus>): StatusResponse {
  return { integrations, connections, defaults: {}, generatedAt: "2026-12-03T00:00:00.000Z" };
}

describe("dashboard cards per connection", () => {
  const two = answer([entry("stripe", "c1"), entry("stripe", "c2", [], { status: "error", connectionStatus: "error" })], {
    stripe: status("stripe", "c1"),
    smtp: disconnected("smtp", "old"),
    sendgrid: disconnected("sendgrid"),
  });

  it("gives a provider a card per live connection, and one without any", () => {
    const cards = providerCards([stripe, smtp, sendgrid], two);
    expect(cards.map((c) => [c.provider.id, c.connections.map((x) => x.connectionId), c.placeholder?.connectionStatus])).toEqual([
      ["stripe", ["c1", "c2"], "connected"],
      ["smtp", [], "disconnected"],
      ["sendgrid", [], "disconnected"],
    ]);
  });

  it("counts connections in the summary, and each provider without one once", () => {
    expect(countStates(providerCards([stripe, smtp, sendgrid], two))).toEqual({ active: 1, error: 1, notConnected: 2 });
  });

  it("says which connection is used by default only while no admin chose one", () => {
    expect(providerCards([stripe], two)[0]!.usedByDefault).toBe("c1");
    const chosen = answer([entry("stripe", "c1"), entry("stripe", "c2", ["payments"])], { stripe: status("stripe", "c2") });
    expect(providerCards([stripe], chosen)[0]!.usedByDefault).toBeNull();
    // A single account needs no saying.
    expect(providerCards([stripe], answer([entry("stripe", "c1")], { stripe: status("stripe", "c1") }))[0]!.usedByDefault).toBeNull();
  });

  it("finds accounts by their label, and keeps all of a provider's cards when the provider matches", () => {
    const cards = providerCards([stripe, smtp], two);
    expect(searchCards(cards, "stripe c2").map((c) => [c.provider.id, c.connections.map((x) => x.connectionId)])).toEqual([["stripe", ["c2"]]]);
    expect(searchCards(cards, "Stripe").map((c) => c.connections.length)).toEqual([2]);
    expect(searchCards(cards, "nothing like it")).toEqual([]);
  });
});

describe("the cached status after one connection's answer", () => {
  const one = answer([entry("stripe", "c1", ["payments"])], { stripe: status("stripe", "c1") });

  it("adds a second account without changing the provider's default, and keeps a connection's defaults when it changes", () => {
    const added = withConnectionStatus(one, status("stripe", "c2"));
    expect(added.connections.map((c) => [c.connectionId, c.defaultFor])).toEqual([
      ["c1", ["payments"]],
      ["c2", []],
    ]);
    expect(added.integrations.stripe!.connectionId).toBe("c1");
    const edited = withConnectionStatus(added, status("stripe", "c1", { accountLabel: "renamed" }));
    expect(edited.connections[0]).toMatchObject({ connectionId: "c1", accountLabel: "renamed", defaultFor: ["payments"] });
  });

  it("drops a disconnected account; the provider's status turns disconnected with its last one", () => {
    const two = withConnectionStatus(one, status("stripe", "c2"));
    const left = withConnectionStatus(two, disconnected("stripe", "c2"), true);
    expect(left.connections.map((c) => c.connectionId)).toEqual(["c1"]);
    expect(left.integrations.stripe!.connectionId).toBe("c1");
    const none = withConnectionStatus(left, disconnected("stripe", "c1"), true);
    expect(none.connections).toEqual([]);
    expect(none.integrations.stripe).toMatchObject({ connectionId: "c1", connectionStatus: "disconnected" });
  });

  it("makes a first connection the provider's status", () => {
    const empty = answer([], { stripe: disconnected("stripe") });
    const first = withConnectionStatus(empty, status("stripe", "c9"));
    expect(first.integrations.stripe!.connectionId).toBe("c9");
    expect(first.connections.map((c) => c.connectionId)).toEqual(["c9"]);
  });
});
