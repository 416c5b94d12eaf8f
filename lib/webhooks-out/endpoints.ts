// Outgoing webhook subscriptions as the API and dashboard see them: create, edit, pause, delete,
// rotate the secret, send a test, stats — always within the signed-in user's workspace, changes
// by admins only, and the signing secret shown exactly once (on creation and on rotation).
import crypto from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { actorOf, type SessionUser } from "@/lib/auth/session";
import { afterCommit } from "@/lib/db/after-commit";
import { getDb, type Db } from "@/lib/db/client";
import { EVENT_CATALOG, type EventSpec } from "@/lib/webhooks-out/catalog";
import { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, badRequest } from "@/lib/http/api";
import { VaultDecryptError } from "@/lib/vault";
import { ENDPOINT_SELECT, findEndpoint, requireAdmin, type EndpointRow, type ServiceOptions } from "@/lib/webhooks-out/access";
import { autoDisableAt } from "@/lib/webhooks-out/health";
import type { CreateEndpointInput, UpdateEndpointInput } from "@/lib/webhooks-out/schemas";
import { readEndpointSecrets, ROTATION_OVERLAP_MS, sealEndpointSecrets, type EndpointSecrets } from "@/lib/webhooks-out/secrets";
import { generateSecret } from "@/lib/webhooks-out/signing";
import { deliverAfterResponse } from "@/lib/webhooks-out/trigger";
import { checkEndpointUrl, configuredUrlPolicy, systemResolver, UrlRefusedError } from "@/lib/http/url-rules";

export type { ServiceOptions } from "@/lib/webhooks-out/access";

export type EndpointStatus = "active" | "paused" | "disabled";

export interface EndpointStats {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  lastAttemptAt: Date | null;
  lastAttemptOk: boolean | null;
  lastStatusCode: number | null;
}

export interface EndpointView {
  id: string;
  name: string;
  url: string;
  events: string[];
  /** Custom header names; their values are stored encrypted and never shown. */
  headerNames: string[];
  status: EndpointStatus;
  disabledReason: string | null;
  disabledAt: Date | null;
  /** While set and in the future, the previous secret still signs too. */
  previousSecretExpiresAt: Date | null;
  /** Start of the current run of failed attempts (every attempt since has failed); null when the last one succeeded. */
  failingSince: Date | null;
  /** When an active endpoint that is failing gets disabled unless an attempt succeeds before (failingSince + 5 days). */
  autoDisableAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  stats: EndpointStats;
}

export interface DailyAttempts {
  day: string;
  succeeded: number;
  failed: number;
}

export interface EndpointDetail extends EndpointView {
  /** Attempts per UTC day over the last CHART_DAYS days, oldest first. */
  daily: DailyAttempts[];
}

export interface EndpointList {
  endpoints: EndpointView[];
  catalog: readonly EventSpec[];
}

/** The create and rotate answers: the only time the secret is ever shown. */
export interface EndpointWithSecret {
  endpoint: EndpointView;
  secret: string;
}

export const CHART_DAYS = 14;

const emptyStats = (): EndpointStats => ({ total: 0, succeeded: 0, failed: 0, pending: 0, lastAttemptAt: null, lastAttemptOk: null, lastStatusCode: null });

async function statsFor(db: Db, ids: string[]): Promise<Map<string, EndpointStats>> {
  const stats = new Map(ids.map((id) => [id, emptyStats()]));
  if (!ids.length) return stats;
  // One after the other: the embedded database serves one session anyway.
  const groups = await db.webhookDelivery.groupBy({ by: ["endpointId", "status"], where: { endpointId: { in: ids } }, _count: { _all: true } });
  const last = await db.$queryRaw<{ endpointId: string; startedAt: Date; ok: boolean; statusCode: number | null }[]>`
    SELECT DISTINCT ON ("endpointId") "endpointId", "startedAt", ok, "statusCode" FROM "WebhookAttempt"
    WHERE "endpointId" IN (${Prisma.join(ids)}) ORDER BY "endpointId", "startedAt" DESC`;
  for (const g of groups) {
    const s = stats.get(g.endpointId)!;
    s[g.status] = g._count._all;
    s.total += g._count._all;
  }
  for (const row of last) Object.assign(stats.get(row.endpointId)!, { lastAttemptAt: new Date(row.startedAt), lastAttemptOk: row.ok, lastStatusCode: row.statusCode });
  return stats;
}

/**
 * What a viewer sees of an endpoint URL: scheme and host only. Slack, Zapier and many others put
 * the credential in the path or query, so only admins (who can change it anyway) see it whole.
 */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === "/" && !parsed.search ? `${parsed.origin}/` : `${parsed.origin}/…`;
  } catch {
    return "…";
  }
}

function toView(row: EndpointRow, stats: EndpointStats, viewer?: Pick<SessionUser, "role">): EndpointView {
  return {
    id: row.id,
    name: row.name,
    url: viewer && viewer.role !== "admin" ? maskedUrl(row.url) : row.url,
    events: row.events,
    headerNames: row.headerNames,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    previousSecretExpiresAt: row.previousSecretExpiresAt,
    failingSince: row.failingSince,
    autoDisableAt: row.failingSince && row.status === "active" ? autoDisableAt(row.failingSince) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    stats,
  };
}

async function viewOf(db: Db, row: EndpointRow, viewer?: Pick<SessionUser, "role">): Promise<EndpointView> {
  return toView(row, (await statsFor(db, [row.id])).get(row.id)!, viewer);
}

async function checkedUrl(raw: string, options: ServiceOptions): Promise<string> {
  try {
    return (await checkEndpointUrl(raw, options.policy ?? configuredUrlPolicy(), options.resolver ?? systemResolver)).href;
  } catch (error) {
    if (error instanceof UrlRefusedError) throw badRequest(`url: ${error.message}`, { url: error.message });
    throw error;
  }
}

async function secretsOf(db: Db, row: EndpointRow): Promise<EndpointSecrets> {
  try {
    return await readEndpointSecrets(db, row);
  } catch (error) {
    if (error instanceof VaultDecryptError) {
      throw new ApiError(409, "This endpoint's stored secret and headers cannot be decrypted (was the encryption key changed?). Rotate the secret, then enter the headers again.");
    }
    throw error;
  }
}

const headerNamesOf = (headers: Record<string, string>) => Object.keys(headers).sort((a, b) => a.localeCompare(b));

// ---------------------------------------------------------------------------------------------
// Reads

export async function listEndpoints(user: SessionUser): Promise<EndpointList> {
  const db = await getDb();
  const rows = await db.webhookEndpoint.findMany({ where: { workspaceId: user.workspaceId }, select: ENDPOINT_SELECT, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const stats = await statsFor(
    db,
    rows.map((r) => r.id),
  );
  return { endpoints: rows.map((r) => toView(r, stats.get(r.id)!, user)), catalog: EVENT_CATALOG };
}

export async function getEndpoint(user: SessionUser, id: string, options: ServiceOptions = {}): Promise<EndpointDetail> {
  const db = await getDb();
  const row = await findEndpoint(db, user, id);
  const now = (options.now ?? (() => new Date()))();
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (CHART_DAYS - 1)));
  const rows = await db.$queryRaw<DailyAttempts[]>`
    SELECT to_char(date_trunc('day', "startedAt"), 'YYYY-MM-DD') AS day,
      (count(*) FILTER (WHERE ok))::int AS succeeded, (count(*) FILTER (WHERE NOT ok))::int AS failed
    FROM "WebhookAttempt" WHERE "endpointId" = ${row.id} AND "startedAt" >= ${firstDay.toISOString()}::timestamp
    GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const daily = Array.from({ length: CHART_DAYS }, (_, i) => {
    const day = new Date(firstDay.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const found = byDay.get(day);
    return { day, succeeded: found?.succeeded ?? 0, failed: found?.failed ?? 0 };
  });
  return { ...(await viewOf(db, row, user)), daily };
}

// ---------------------------------------------------------------------------------------------
// Writes

export async function createEndpoint(user: SessionUser, input: CreateEndpointInput, options: ServiceOptions = {}): Promise<EndpointWithSecret> {
  requireAdmin(user);
  const url = await checkedUrl(input.url, options);
  const db = await getDb();
  const id = `ep_${crypto.randomBytes(12).toString("hex")}`;
  const secret = generateSecret();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        id,
        workspaceId: user.workspaceId,
        name: input.name,
        url,
        events: input.events,
        status: input.status,
        headerNames: headerNamesOf(input.headers),
        ...sealEndpointSecrets(user.workspaceId, id, { secret, headers: input.headers }),
      },
      select: ENDPOINT_SELECT,
    });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actor: actorOf(user),
      action: "webhook.endpoint.create",
      target: id,
      details: { name: input.name, url, events: input.events, headerNames: created.headerNames },
    });
    return created;
  });
  return { endpoint: toView(row, emptyStats()), secret };
}

export async function updateEndpoint(user: SessionUser, id: string, input: UpdateEndpointInput, options: ServiceOptions = {}): Promise<EndpointView> {
  requireAdmin(user);
  const db = await getDb();
  const row = await findEndpoint(db, user, id);
  const data: Prisma.WebhookEndpointUpdateInput = {};
  if (input.name !== undefined) data.name = input.name;
  if (input.url !== undefined) data.url = await checkedUrl(input.url, options);
  if (input.events !== undefined) data.events = input.events;
  if (input.headers !== undefined) {
    const secrets = await secretsOf(db, row);
    const headers = { ...secrets.headers };
    for (const [name, value] of Object.entries(input.headers)) {
      // Names are case-insensitive: a new spelling replaces the old one.
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      if (value !== null) headers[name] = value;
    }
    Object.assign(data, sealEndpointSecrets(row.workspaceId, row.id, { ...secrets, headers }), { headerNames: headerNamesOf(headers) });
  }
  const activating = input.status === "active" && row.status !== "active";
  if (input.status !== undefined && input.status !== row.status) {
    data.status = input.status;
    // Enabling a disabled endpoint starts it with a clean record.
    if (row.status === "disabled") Object.assign(data, { disabledReason: null, disabledAt: null, failingSince: null });
  }
  const saved = await db.$transaction(async (tx) => {
    const updated = await tx.webhookEndpoint.update({ where: { id: row.id }, data, select: ENDPOINT_SELECT });
    if (activating) {
      if (row.status === "disabled") {
        // What waited while it was disabled is due now, not at the retry step it had reached.
        const now = (options.now ?? (() => new Date()))();
        await tx.webhookDelivery.updateMany({ where: { endpointId: row.id, status: "pending", nextAttemptAt: { gt: now } }, data: { nextAttemptAt: now } });
      }
      afterCommit(() => deliverAfterResponse({ endpointIds: [row.id] }));
    }
    const changed = Object.keys(input).filter((k) => k !== "headers");
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actor: actorOf(user),
      action:
        input.status && input.status !== row.status
          ? `webhook.endpoint.${input.status === "paused" ? "pause" : row.status === "disabled" ? "enable" : "resume"}`
          : "webhook.endpoint.update",
      target: row.id,
      details: { changed, ...(input.headers ? { headersChanged: Object.keys(input.headers).sort() } : {}), ...(data.url ? { url: data.url } : {}) },
    });
    return updated;
  });
  return viewOf(db, saved);
}

export async function deleteEndpoint(user: SessionUser, id: string): Promise<{ ok: true }> {
  requireAdmin(user);
  const db = await getDb();
  const row = await findEndpoint(db, user, id);
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: row.id } });
    await recordAudit(tx, { workspaceId: user.workspaceId, actor: actorOf(user), action: "webhook.endpoint.delete", target: row.id, details: { name: row.name, url: row.url } });
  });
  return { ok: true };
}

/**
 * A new signing secret, answered once. The old one keeps signing alongside it for 24 hours, so
 * receivers can switch over without dropping a message.
 */
export async function rotateSecret(user: SessionUser, id: string, options: ServiceOptions = {}): Promise<EndpointWithSecret> {
  requireAdmin(user);
  const db = await getDb();
  const row = await findEndpoint(db, user, id);
  const now = (options.now ?? (() => new Date()))();
  let previous: EndpointSecrets;
  try {
    previous = await readEndpointSecrets(db, row);
  } catch (error) {
    if (!(error instanceof VaultDecryptError)) throw error;
    // The old secret is unreadable: start afresh (nothing can be signed with it anyway).
    previous = { secret: "", headers: {} };
  }
  const secret = generateSecret();
  const saved = await db.$transaction(async (tx) => {
    const updated = await tx.webhookEndpoint.update({
      where: { id: row.id },
      data: {
        ...sealEndpointSecrets(row.workspaceId, row.id, { secret, ...(previous.secret ? { previousSecret: previous.secret } : {}), headers: previous.headers }),
        previousSecretExpiresAt: previous.secret ? new Date(now.getTime() + ROTATION_OVERLAP_MS) : null,
        headerNames: headerNamesOf(previous.headers),
      },
      select: ENDPOINT_SELECT,
    });
    await recordAudit(tx, {
      workspaceId: user.workspaceId,
      actor: actorOf(user),
      action: "webhook.endpoint.rotate_secret",
      target: row.id,
      details: { previousValidUntil: updated.previousSecretExpiresAt?.toISOString() ?? null },
    });
    return updated;
  });
  return { endpoint: await viewOf(db, saved), secret };
}
