// Integration health as the dashboard shows it, read from the database only: no provider is
// called here, so the page stays fast and a slow provider cannot slow it down. The pipeline keeps
// the numbers (calls, errors, last error, breaker) current on every provider call.
import { getDb, type Db } from "@/lib/db/client";
import type { CircuitState, ConnectionStatus, ErrorCategory } from "@/lib/generated/prisma/enums";
import { providerIds } from "@/lib/integrations/registry";
import type { CapabilitySlot } from "@/lib/integrations/kit/manifest";
import { isLive, rankConnections, readDefaults } from "@/lib/connections/choose";

export interface UsageStat {
  label: string;
  value: string | number;
}

export interface IntegrationStatus {
  providerId: string;
  /** The connection's id (null when the provider was never connected): address it by this. */
  connectionId: string | null;
  /** An admin paused it: no provider calls until it is resumed. */
  paused: boolean;
  /** Credentials are stored (the connection may still be failing). */
  connected: boolean;
  /** The card's colour: active (healthy), error (failing, needs re-auth or breaker open), inactive. */
  status: "active" | "error" | "inactive";
  connectionStatus: ConnectionStatus;
  accountLabel: string | null;
  lastSyncAt: string | null;
  lastTestedAt: string | null;
  tokenExpiresAt: string | null;
  /** The OAuth token is renewed automatically before it expires (a refresh token is stored). */
  tokenRenews: boolean;
  needsReauth: boolean;
  usage: UsageStat[];
  lastError: { message: string; category: ErrorCategory | "unknown" } | null;
  circuitState: CircuitState;
}

/** The columns a status needs; selected explicitly so the query never reads settings blobs. */
export const STATUS_SELECT = {
  id: true,
  providerId: true,
  pausedAt: true,
  status: true,
  accountLabel: true,
  lastSyncAt: true,
  lastTestedAt: true,
  expiresAt: true,
  needsReauth: true,
  callCount: true,
  errorCount: true,
  usageLabel: true,
  usageValue: true,
  lastError: true,
  lastErrorCategory: true,
  circuitState: true,
  refreshable: true,
} as const;

export interface StatusRow {
  id?: string;
  providerId: string;
  pausedAt?: Date | null;
  status: ConnectionStatus;
  accountLabel: string | null;
  lastSyncAt: Date | null;
  lastTestedAt: Date | null;
  expiresAt: Date | null;
  needsReauth: boolean;
  callCount: number;
  errorCount: number;
  usageLabel: string | null;
  usageValue: string | null;
  lastError: string | null;
  lastErrorCategory: ErrorCategory | null;
  circuitState: CircuitState;
  refreshable?: boolean;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One provider's status from its connection row (or null when it was never connected). */
export function statusFromRow(providerId: string, row: StatusRow | null): IntegrationStatus {
  if (!row) {
    return {
      providerId,
      connectionId: null,
      paused: false,
      connected: false,
      status: "inactive",
      connectionStatus: "disconnected",
      accountLabel: null,
      lastSyncAt: null,
      lastTestedAt: null,
      tokenExpiresAt: null,
      tokenRenews: false,
      needsReauth: false,
      usage: [],
      lastError: null,
      circuitState: "closed",
    };
  }
  const connected = row.status === "connected" || row.status === "syncing" || row.status === "error";
  const failing = row.status === "error" || row.needsReauth || row.circuitState !== "closed";
  const usage: UsageStat[] = [
    { label: "Calls", value: row.callCount },
    { label: "Errors", value: row.errorCount },
  ];
  if (row.usageLabel && row.usageValue !== null) usage.push({ label: row.usageLabel, value: row.usageValue });
  return {
    providerId,
    connectionId: row.id ?? null,
    paused: connected && Boolean(row.pausedAt),
    connected,
    status: !connected ? "inactive" : failing ? "error" : "active",
    connectionStatus: row.status,
    accountLabel: row.accountLabel,
    lastSyncAt: iso(row.lastSyncAt),
    lastTestedAt: iso(row.lastTestedAt),
    tokenExpiresAt: iso(row.expiresAt),
    tokenRenews: connected && !row.needsReauth && (row.refreshable ?? false),
    needsReauth: row.needsReauth,
    usage,
    lastError: row.lastError ? { message: row.lastError, category: row.lastErrorCategory ?? "unknown" } : null,
    circuitState: row.circuitState,
  };
}

/** A connection on the dashboard: its status, and the capabilities it is the chosen default of. */
export interface ConnectionEntry extends IntegrationStatus {
  connectionId: string;
  defaultFor: CapabilitySlot[];
}

export interface WorkspaceStatus {
  /** Per provider: the connection used when a caller names only the provider (see choose.ts). */
  integrations: Record<string, IntegrationStatus>;
  /** Every connection that holds credentials, oldest first — one dashboard card each. */
  connections: ConnectionEntry[];
  /** Capability slot → the connection an admin made its default. */
  defaults: Partial<Record<CapabilitySlot, string>>;
}

/**
 * The workspace's connections and each provider's status in TWO queries (connections, defaults),
 * served by the (workspaceId, providerId) index. Providers without a connection are `inactive`.
 */
export async function workspaceStatus(workspaceId: string, db?: Db): Promise<WorkspaceStatus> {
  const client = db ?? (await getDb());
  const [rows, defaults] = await Promise.all([
    client.connection.findMany({
      where: { workspaceId, providerId: { in: [...providerIds] } },
      select: { ...STATUS_SELECT, createdAt: true, updatedAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    readDefaults(client, workspaceId),
  ]);
  const chosen = new Set(Object.values(defaults));
  const integrations: Record<string, IntegrationStatus> = {};
  for (const id of providerIds) {
    const own = rows.filter((r) => r.providerId === id);
    const live = own.filter(isLive);
    const shown = live.length ? rankConnections(live, chosen)[0] : own.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
    integrations[id] = statusFromRow(id, shown ?? null);
  }
  const connections = rows.filter(isLive).map((r) => ({
    ...statusFromRow(r.providerId, r),
    connectionId: r.id,
    defaultFor: (Object.entries(defaults) as [CapabilitySlot, string][]).filter(([, id]) => id === r.id).map(([slot]) => slot),
  }));
  return { integrations, connections, defaults };
}

/** Every registered provider's status for one workspace (the provider's default connection each). */
export async function integrationStatus(workspaceId: string, db?: Db): Promise<Record<string, IntegrationStatus>> {
  return (await workspaceStatus(workspaceId, db)).integrations;
}
