// Connecting, testing, editing and disconnecting API-key integrations — one generic flow over the
// provider manifests (field schema + adapter), workspace-scoped everywhere.
//
// Storage: secret fields are sealed in the Credential row (vault: AES-GCM bound to workspace and
// connection); non-secret fields (sender address, …) live in Connection.settings.fields so they can
// be shown. Nothing here returns or logs a secret: answers say which fields are set, and provider
// error messages are scrubbed of the submitted values before they are stored or answered.
import { recordAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/client";
import { emitEvent } from "@/lib/events";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, badRequest, describeZodError, notFound } from "@/lib/http/api";
import { apiKeyManifestOf, requireAvailable, requireConnectable, requireProvider, type ConnectableManifest } from "@/lib/connections/lookup";
import { scrubbedClassifier } from "@/lib/integrations/kit/secrets";
import { rateLimited } from "@/lib/connections/failures";
import { settingFields, settingsObject } from "@/lib/connections/settings";
import { STATUS_SELECT, statusFromRow, type IntegrationStatus } from "@/lib/connections/status";
import type { ApiKeyManifest, TestOutcome } from "@/lib/integrations/kit/manifest";
import { revokeStoredGrant, testOAuthConnection, type RevokeResult } from "@/lib/connections/oauth/connection";
import { withOAuthSettings } from "@/lib/connections/oauth/tokens";
import { callProvider, type CallResult } from "@/lib/pipeline";
import { describeSecrets, fingerprintSecrets, readCredential, seal, VaultDecryptError, type Secrets } from "@/lib/vault";
import { onlyProviderConnection } from "@/lib/connections/choose";
import { checkAddressFields } from "@/lib/connections/addresses";

export type FieldValues = Record<string, string>;

/** What connect/update answer: the card's status plus which fields are set (never their values). */
export interface ConnectionView extends IntegrationStatus {
  /** Secret field → whether it is set. */
  secrets: Record<string, boolean>;
  /** Non-secret field values (e.g. the sender address). */
  settings: Record<string, string>;
}

export interface TestResult {
  ok: boolean;
  /** What happened, in words; scrubbed of secrets. */
  message: string;
  durationMs: number;
  attempts: number;
  category?: string;
  status: IntegrationStatus;
}

const TEST_OPERATION = "connection.test";

function requireAdmin(user: SessionUser): void {
  // The routes already refuse viewers (requireUser); this keeps the library safe on its own.
  if (user.role !== "admin") throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
}

// ---------------------------------------------------------------------------------------------
// Field handling

function secretNames(manifest: ApiKeyManifest): Set<string> {
  return new Set(manifest.fields.filter((f) => f.secret).map((f) => f.name));
}

function splitFields(manifest: ApiKeyManifest, values: FieldValues): { secrets: Secrets; settings: FieldValues } {
  const secret = secretNames(manifest);
  const secrets: Secrets = {};
  const settings: FieldValues = {};
  for (const [name, value] of Object.entries(values)) (secret.has(name) ? secrets : settings)[name] = value;
  return { secrets, settings };
}

/** 400 naming every field that is not one of the provider's, or not a string (or null, if allowed). */
function checkShape(manifest: ApiKeyManifest, input: unknown, allowNull: boolean): Record<string, string | null> {
  if (!input || typeof input !== "object" || Array.isArray(input)) {
    throw badRequest("fields must be an object of field names to values", { fields: "Expected an object" });
  }
  const known = new Set(manifest.fields.map((f) => f.name));
  const problems: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const key = `fields.${name}`;
    if (!known.has(name)) problems[key] = `Unknown field; ${manifest.name} takes ${[...known].join(", ")}`;
    else if (!(typeof value === "string" || (allowNull && value === null))) problems[key] = allowNull ? "Must be a string, or null to clear it" : "Must be a string";
  }
  if (Object.keys(problems).length) {
    throw badRequest(
      `Invalid ${Object.keys(problems).join(", ")}: ${Object.entries(problems)
        .map(([k, m]) => `${k} — ${m}`)
        .join("; ")}`,
      problems,
    );
  }
  return input as Record<string, string | null>;
}

/** The manifest's schema over a complete set of values: 400 naming the fields (never echoing values). */
function validateComplete(manifest: ApiKeyManifest, values: Record<string, unknown>): FieldValues {
  const parsed = manifest.schema.safeParse(values);
  if (!parsed.success) {
    const { message, fields } = describeZodError(parsed.error, "fields");
    throw badRequest(message, fields);
  }
  const out: FieldValues = {};
  for (const [name, value] of Object.entries(parsed.data)) if (typeof value === "string" && value !== "") out[name] = value;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Live test through the pipeline

/** Who a live test runs for: the workspace, and the actor the activity log names. */
export interface Caller {
  workspaceId: string;
  actor: string;
}

const callerOf = (user: SessionUser): Caller => ({ workspaceId: user.workspaceId, actor: actorOf(user) });

async function liveTest(manifest: ConnectableManifest, caller: Caller, values: FieldValues, connectionId: string | null): Promise<CallResult<TestOutcome>> {
  // Stored addresses are checked again: the rules or the host's DNS answer may have changed.
  await checkAddressFields(manifest.fields, values);
  const adapter = await manifest.adapter();
  const { secrets } = splitFields(manifest, values);
  const timeoutMs = config().PIPELINE_TIMEOUT_MS;
  return callProvider(
    // Candidate credentials (connect, edit) are tested without a connectionId: a typo in a new key
    // must not mark the stored, working connection as needing re-authorisation or trip its breaker.
    { workspaceId: caller.workspaceId, connectionId, providerId: manifest.id, operation: TEST_OPERATION, actor: caller.actor },
    (signal) => adapter.testConnection(values, { signal, timeoutMs }),
    {
      timeoutMs,
      classify: scrubbedClassifier((error) => adapter.classifyError(error), secrets),
    },
  );
}

/** The answer when candidate credentials fail their test: nothing was saved. */
function testFailure(manifest: ApiKeyManifest, result: Extract<CallResult<unknown>, { ok: false }>): ApiError {
  // Rejected credentials are the caller's input problem (422); an outage or rate limit is not a
  // verdict on the credentials: a 429 (with Retry-After) or 502 the user can simply retry.
  if (result.category === "rate_limit")
    return rateLimited(result, `Could not check the credentials with ${manifest.name}: ${result.message.replace(/[.\s]+$/, "")}. Nothing was saved`);
  if (result.category === "transient") {
    return new ApiError(502, `Could not check the credentials with ${manifest.name}: ${result.message.replace(/[.\s]+$/, "")}. Nothing was saved; try again.`);
  }
  return new ApiError(422, `${result.message.replace(/[.\s]+$/, "")}. Nothing was saved.`);
}

// ---------------------------------------------------------------------------------------------
// Reads

type ConnectionRow = Prisma.ConnectionGetPayload<{ select: typeof CONNECTION_SELECT }>;
const CONNECTION_SELECT = { ...STATUS_SELECT, id: true, workspaceId: true, settings: true, authType: true } as const;

/** A connection addressed by id, or by provider id where the workspace holds one of that provider. */
export type ConnectionTarget = { connectionId: string } | { providerId: string };

/**
 * The addressed connection: by id (404 when it is not the workspace's), or the provider's only
 * live one (its latest disconnected row, or null, when none is live; 409 when several are).
 */
async function findTarget(db: Db, workspaceId: string, target: ConnectionTarget): Promise<ConnectionRow | null> {
  if ("connectionId" in target) {
    const row = await db.connection.findFirst({ where: { id: target.connectionId, workspaceId }, select: CONNECTION_SELECT });
    if (!row) throw notFound("No such connection in this workspace");
    return row;
  }
  requireProvider(target.providerId);
  return onlyProviderConnection(db, workspaceId, target.providerId, (where) => db.connection.findMany({ where, select: CONNECTION_SELECT, orderBy: { updatedAt: "desc" } }));
}

const providerOf = (target: ConnectionTarget, row: ConnectionRow | null): string => ("connectionId" in target ? row!.providerId : target.providerId);

/**
 * The account id a tested set of credentials acts for: the provider's (TestOutcome.accountId), else
 * the fingerprint of the required secrets — the key that names the account, not an optional extra
 * such as Stripe's webhook signing secret, which may be added later to the same account.
 */
function accountIdOf(manifest: ApiKeyManifest, outcome: TestOutcome, values: FieldValues): string {
  if (outcome.accountId) return outcome.accountId;
  const required = new Set(manifest.fields.filter((f) => f.secret && f.required).map((f) => f.name));
  const secrets = splitFields(manifest, values).secrets;
  return `key:${fingerprintSecrets(Object.fromEntries(Object.entries(secrets).filter(([name]) => required.size === 0 || required.has(name))))}`;
}

function storedSettingFields(row: Pick<ConnectionRow, "settings">): FieldValues {
  return settingFields(row.settings);
}

/** Settings JSON with the form's non-secret fields replaced, other keys (sync cursors, …) kept. */
function withFields(row: Pick<ConnectionRow, "settings"> | null, fields: FieldValues | null): Prisma.InputJsonValue {
  const base = row ? { ...settingsObject(row.settings) } : {};
  if (fields) base.fields = fields;
  else delete base.fields;
  return base as Prisma.InputJsonValue;
}

/** A stored connection's secrets, or a 409 that tells the user what to do when they cannot be read. */
async function readSecrets(db: Db, row: ConnectionRow, manifest: ApiKeyManifest): Promise<Secrets | null> {
  try {
    return await readCredential(db, { workspaceId: row.workspaceId, connectionId: row.id });
  } catch (error) {
    if (error instanceof VaultDecryptError) {
      throw new ApiError(409, `The stored ${manifest.name} credentials cannot be decrypted (was the encryption key changed?). Enter them again to reconnect.`);
    }
    throw error;
  }
}

function view(manifest: ApiKeyManifest, row: ConnectionRow | null, secrets: Secrets | null): ConnectionView {
  const allSecrets = Object.fromEntries([...secretNames(manifest)].map((n) => [n, false]));
  return {
    ...statusFromRow(manifest.id, row),
    secrets: { ...allSecrets, ...describeSecrets(secrets) },
    settings: row ? storedSettingFields(row) : {},
  };
}

/**
 * The stored field values (secret and not) of a workspace's live connection, for code that calls
 * the provider (e.g. sending mail). Null when not connected. Never log or return the result.
 */
export async function readConnectionFields(workspaceId: string, target: ConnectionTarget): Promise<{ connectionId: string; fields: FieldValues } | null> {
  const db = await getDb();
  const row = await findTarget(db, workspaceId, target);
  const manifest = apiKeyManifestOf(requireProvider(providerOf(target, row)));
  if (!manifest) return null;
  if (!row || row.status === "disconnected" || row.authType !== "api_key") return null;
  const secrets = await readSecrets(db, row, manifest);
  if (!secrets) return null;
  return { connectionId: row.id, fields: { ...storedSettingFields(row), ...secrets } };
}

/** One provider's connection as the detail view shows it (404 for an unknown provider). */
export async function getConnection(user: SessionUser, target: ConnectionTarget): Promise<ConnectionView | IntegrationStatus> {
  const db = await getDb();
  const row = await findTarget(db, user.workspaceId, target);
  const providerId = providerOf(target, row);
  const manifest = apiKeyManifestOf(requireProvider(providerId));
  if (!manifest || row?.authType === "oauth2") return statusFromRow(providerId, row);
  const secrets = row && row.status !== "disconnected" ? await readSecrets(db, row, manifest).catch(() => null) : null;
  return view(manifest, row, secrets);
}

// ---------------------------------------------------------------------------------------------
// Writes

/** A connection that was just connected (or reconnected) with credentials that work. */
export const FRESHLY_CONNECTED = {
  status: "connected",
  lastError: null,
  lastErrorCategory: null,
  needsReauth: false,
  // New credentials start with a closed circuit.
  circuitState: "closed",
  consecutiveFailures: 0,
  circuitOpenedAt: null,
} as const;

/**
 * Frees an account id for the connection `keeping` it: a disconnected row that last held it lets
 * go; a live one means the account is connected already (409 naming that connection).
 */
async function releaseAccount(tx: Prisma.TransactionClient, workspaceId: string, manifest: { id: string; name: string }, accountId: string, keeping: string | null): Promise<void> {
  const holder = await tx.connection.findFirst({
    where: { workspaceId, providerId: manifest.id, accountId, ...(keeping ? { id: { not: keeping } } : {}) },
    select: { id: true, status: true },
  });
  if (!holder) return;
  if (holder.status !== "disconnected")
    throw new ApiError(409, `This ${manifest.name} account is already connected in this workspace (connection ${holder.id}); edit that connection instead`);
  await tx.connection.update({ where: { id: holder.id }, data: { accountId: null } });
}

/** Saves tested credentials: connection row, sealed secrets and audit entry, atomically. */
async function saveTested(
  db: Db,
  user: SessionUser,
  manifest: ApiKeyManifest,
  existing: ConnectionRow | null,
  values: FieldValues,
  outcome: TestOutcome,
  audit: { action: string; details: Record<string, unknown> },
): Promise<ConnectionView> {
  const { secrets, settings } = splitFields(manifest, values);
  const now = new Date();
  const accountId = accountIdOf(manifest, outcome, values);
  const healthy = {
    ...FRESHLY_CONNECTED,
    authType: "api_key" as const,
    accountId,
    accountLabel: outcome.accountLabel,
    grantedScopes: outcome.grantedScopes ?? [],
    expiresAt: null,
    lastTestedAt: now,
    settings: withFields(existing, settings),
  };
  // One interactive transaction, so a connection is never "connected" without its credential (or
  // the other way round). The vault's seal() is used directly because storeCredential() takes
  // the client, not a transaction.
  const row = await db.$transaction(async (tx) => {
    await releaseAccount(tx, user.workspaceId, manifest, accountId, existing?.id ?? null);
    const saved = existing
      ? await tx.connection.update({ where: { id: existing.id }, data: healthy, select: CONNECTION_SELECT })
      : await tx.connection.create({ data: { workspaceId: user.workspaceId, providerId: manifest.id, ...healthy }, select: CONNECTION_SELECT });
    const sealed = seal(secrets, { workspaceId: user.workspaceId, connectionId: saved.id });
    await tx.credential.upsert({ where: { connectionId: saved.id }, create: { connectionId: saved.id, ...sealed }, update: sealed });
    await recordAudit(tx, { workspaceId: user.workspaceId, actor: actorOf(user), action: audit.action, target: manifest.id, details: audit.details });
    // A connect always reports; an edit only when it brings a failing connection back.
    if (audit.action === "integration.connect" || existing?.status !== "connected") {
      await emitEvent(tx, {
        workspaceId: user.workspaceId,
        type: "connection.connected",
        data: { providerId: manifest.id, connectionId: saved.id, accountLabel: outcome.accountLabel },
      });
    }
    return saved;
  });
  return view(manifest, row, secrets);
}

/**
 * Connects an API-key provider: validates the fields (400 naming them), tests them live through
 * the pipeline (422 with the provider's reason, or 502 when it could not be reached — nothing is
 * stored either way), then stores them and marks the connection connected.
 */
export async function connectApiKey(user: SessionUser, providerId: string, fields: unknown): Promise<ConnectionView> {
  requireAdmin(user);
  const manifest = requireConnectable(providerId);
  const shaped = checkShape(manifest, fields, false);
  const values = validateComplete(manifest, shaped);
  const result = await liveTest(manifest, callerOf(user), values, null);
  if (!result.ok) throw testFailure(manifest, result);
  const db = await getDb();
  // The same account again updates its connection; another account adds one.
  const existing = await db.connection.findFirst({
    where: { workspaceId: user.workspaceId, providerId: manifest.id, accountId: accountIdOf(manifest, result.value, values) },
    select: CONNECTION_SELECT,
  });
  return saveTested(db, user, manifest, existing, values, result.value, {
    action: "integration.connect",
    details: { providerId, accountLabel: result.value.accountLabel, fieldsSet: Object.keys(values).sort() },
  });
}

/**
 * Changes some fields of a connection. Omitted fields — and secret fields sent empty, as the edit
 * form does — keep their stored value; `null` clears an optional field. The merged set is
 * validated and tested live before anything is saved.
 */
export async function updateConnection(user: SessionUser, target: ConnectionTarget, fields: unknown): Promise<ConnectionView> {
  requireAdmin(user);
  const db = await getDb();
  const existing = await findTarget(db, user.workspaceId, target);
  const providerId = providerOf(target, existing);
  const manifest = requireConnectable(providerId);
  const patch = checkShape(manifest, fields, true);
  if (!existing || existing.status === "disconnected") throw notFound(`${manifest.name} is not connected in this workspace; connect it first`);
  const stored = (await readSecrets(db, existing, manifest)) ?? {};

  const secret = secretNames(manifest);
  const merged: Record<string, string> = { ...storedSettingFields(existing), ...stored };
  const cleared: Record<string, string> = {};
  for (const [name, value] of Object.entries(patch)) {
    const field = manifest.fields.find((f) => f.name === name)!;
    if (value === null) {
      if (field.required) cleared[`fields.${name}`] = `${field.label} is required and cannot be cleared`;
      else delete merged[name];
    } else if (value === "" && secret.has(name)) {
      // Empty secret input: keep the stored value.
    } else if (value === "") {
      delete merged[name];
    } else {
      merged[name] = value;
    }
  }
  if (Object.keys(cleared).length) throw badRequest(`Invalid ${Object.keys(cleared).join(", ")}`, cleared);
  const values = validateComplete(manifest, merged);

  const result = await liveTest(manifest, callerOf(user), values, null);
  if (!result.ok) throw testFailure(manifest, result);
  const changed = Object.keys(patch)
    .filter((n) => !(patch[n] === "" && secret.has(n)))
    .sort();
  return saveTested(db, user, manifest, existing, values, result.value, {
    action: "integration.update",
    details: { providerId, accountLabel: result.value.accountLabel, fieldsChanged: changed },
  });
}

/**
 * Tests the stored credentials live (through the pipeline, with the connection's breaker and
 * usage counters) and records the outcome on the connection. A failed test is an answer, not an
 * error: `{ ok: false, message, category }`.
 */
export async function testConnection(user: SessionUser, target: ConnectionTarget): Promise<TestResult> {
  requireAdmin(user);
  return testStoredConnection(callerOf(user), target);
}

/** The same test for a caller without a session, e.g. the health-check job (`actor: "cron"`). */
export async function testStoredConnection(caller: Caller, target: ConnectionTarget): Promise<TestResult> {
  const db = await getDb();
  const row = await findTarget(db, caller.workspaceId, target);
  const providerId = providerOf(target, row);
  const provider = requireAvailable(providerId);
  if (!row || row.status === "disconnected") throw notFound(`${provider.name} is not connected in this workspace`);
  let result: CallResult<TestOutcome>;
  if (row.authType === "oauth2") {
    // An OAuth grant is tested by reading the account with its (refreshed when needed) token.
    result = await testOAuthConnection(caller, row);
  } else {
    const manifest = requireConnectable(providerId);
    const secrets = await readSecrets(db, row, manifest);
    if (!secrets) throw notFound(`${manifest.name} has no stored credentials in this workspace; connect it again`);
    result = await liveTest(manifest, caller, { ...storedSettingFields(row), ...secrets }, row.id);
  }
  const now = new Date();
  // Conditional on not disconnected: a disconnect that raced this test wins.
  const where = { id: row.id, status: { not: "disconnected" as const } };
  if (result.ok) {
    await db.connection.updateMany({
      where,
      data: {
        status: "connected",
        accountLabel: result.value.accountLabel,
        ...(result.value.grantedScopes ? { grantedScopes: result.value.grantedScopes } : {}),
        lastTestedAt: now,
        lastError: null,
        lastErrorCategory: null,
        needsReauth: false,
      },
    });
  } else if (result.category === "rate_limit" && result.attempts === 0) {
    // Refused by Plugboard's own rate limit before reaching the provider: nothing was learned
    // about the credentials, so the connection keeps its state.
  } else {
    // The pipeline already counted the failure (and flagged re-auth for rejected credentials);
    // a failed manual test also shows the card as failing until a call succeeds.
    await db.$transaction(async (tx) => {
      const failed = await tx.connection.updateMany({ where, data: { status: "error", lastTestedAt: now, lastError: result.message, lastErrorCategory: result.category } });
      // Reported when the connection turns to failing, not again for every failed test after that.
      if (failed.count && row.status !== "error") {
        await emitEvent(tx, {
          workspaceId: caller.workspaceId,
          type: "connection.error",
          data: { providerId, connectionId: row.id, category: result.category, message: result.message },
        });
      }
    });
  }
  const fresh = await db.connection.findUnique({ where: { id: row.id }, select: STATUS_SELECT });
  const status = statusFromRow(providerId, fresh);
  if (result.ok) {
    return { ok: true, message: `Connected: ${result.value.accountLabel}`, durationMs: result.durationMs, attempts: result.attempts, status };
  }
  return { ok: false, message: result.message, category: result.category, durationMs: result.durationMs, attempts: result.attempts, status };
}

/**
 * Disconnects: revokes an OAuth grant at the provider where it can (best effort: a failed revoke
 * never stops the disconnect), then wipes the credential and forgets the account, atomically.
 * Idempotent — a provider that is not connected answers the same, without a new audit entry.
 */
export async function disconnect(user: SessionUser, target: ConnectionTarget): Promise<{ ok: true; status: IntegrationStatus; revoke: RevokeResult }> {
  requireAdmin(user);
  const db = await getDb();
  const row = await findTarget(db, user.workspaceId, target);
  const providerId = providerOf(target, row);
  const manifest = requireProvider(providerId);
  if (!row) return { ok: true, status: statusFromRow(providerId, null), revoke: "nothing_to_revoke" };
  const revoke = row.status === "disconnected" ? "nothing_to_revoke" : await revokeStoredGrant(db, row, actorOf(user));
  const saved = await db.$transaction(async (tx) => {
    const wiped = await tx.credential.deleteMany({ where: { connectionId: row.id } });
    const updated = await tx.connection.update({
      where: { id: row.id },
      data: {
        status: "disconnected",
        accountLabel: null,
        grantedScopes: [],
        expiresAt: null,
        needsReauth: false,
        lastError: null,
        lastErrorCategory: null,
        circuitState: "closed",
        consecutiveFailures: 0,
        circuitOpenedAt: null,
        refreshable: false,
        refreshLeaseId: null,
        refreshLeaseUntil: null,
        settings: withOAuthSettings(withFields(row, null) as Prisma.JsonValue, null),
      },
      select: STATUS_SELECT,
    });
    if (row.status !== "disconnected" || wiped.count > 0) {
      await recordAudit(tx, { workspaceId: user.workspaceId, actor: actorOf(user), action: "integration.disconnect", target: manifest.id, details: { providerId, revoke } });
      await emitEvent(tx, { workspaceId: user.workspaceId, type: "connection.disconnected", data: { providerId, connectionId: row.id } });
    }
    return updated;
  });
  return { ok: true, status: statusFromRow(providerId, saved), revoke };
}
