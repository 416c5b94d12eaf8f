// Open a connection and call its provider: the one road from business code to a provider.
//
//   const { connection, port } = await openCapability(workspaceId, "sms", { actor });
//   const sent = await connection.run("messages.create", (signal) => port.send(connection.credentials.fields, msg, { signal, timeoutMs }), "Twilio did not accept the message");
//
// `openCapability` finds the workspace's connection for a capability slot (the one named, else the
// default: a healthy connection first, in registry order) and loads its port; `openConnection`
// opens one connection by id. Either hands back the connection's credentials — read here, in the
// connections room, and nowhere in business code — and `call` / `run`, which go through the call
// pipeline (breaker, rate limit, retries, activity) with the port's error classifier, scrubbed of
// the connection's secrets. `run` turns a failure into the one API error mapping (failures.ts).
import { getDb, type Db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api";
import { isLive, LIVE, rankConnections, readDefaults } from "@/lib/connections/choose";
import { providerFailure } from "@/lib/connections/failures";
import { getConnectionAccessToken } from "@/lib/connections/oauth/access";
import { oauthSettings } from "@/lib/connections/oauth/tokens";
import { settingFields, stringValues } from "@/lib/connections/settings";
import type { Credentials } from "@/lib/integrations/kit/credentials";
import type { CapabilitySlot, PortsBySlot } from "@/lib/integrations/kit/manifest";
import { scrubbedClassifier } from "@/lib/integrations/kit/secrets";
import { getProvider, loadPort, providersWith } from "@/lib/integrations/registry";
import { callProvider, classifyError, ProviderError, type CallOptions, type CallResult } from "@/lib/pipeline";
import { readCredential, VaultDecryptError } from "@/lib/vault";

export interface OpenConnection {
  id: string;
  workspaceId: string;
  providerId: string;
  /** The provider's display name ("Twilio"). */
  providerName: string;
  /** Who causes the calls (activity log): "user:<email>", "cron", "system"… */
  actor: string;
  /** Never log or return these. */
  credentials: Credentials;
  /** One provider call through the pipeline; failures come back as a result, never thrown. */
  call<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, options?: CallOptions): Promise<CallResult<T>>;
  /** The same, answering the value or throwing the API error for the failure, prefixed with `what`. */
  run<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, what: string, options?: CallOptions): Promise<T>;
}

export interface OpenOptions {
  actor: string;
  /** The connection to use; the workspace's default for the capability when absent. */
  connectionId?: string | null;
  /** Classifies the provider's errors (the port's classifier when opened by capability). */
  classify?: (error: unknown) => ProviderError;
  db?: Db;
}

/** The connection cannot be opened: not connected, waiting for a reconnect, or unreadable credentials. */
export class ConnectionUnavailableError extends ApiError {
  constructor(message: string) {
    super(409, message);
    this.name = "ConnectionUnavailableError";
  }
}

const CONNECTION_SELECT = {
  id: true,
  workspaceId: true,
  providerId: true,
  status: true,
  authType: true,
  needsReauth: true,
  settings: true,
  circuitState: true,
  pausedAt: true,
  createdAt: true,
} as const;

type Row = {
  id: string;
  workspaceId: string;
  providerId: string;
  status: string;
  authType: string;
  needsReauth: boolean;
  settings: unknown;
  circuitState: string;
  pausedAt: Date | null;
  createdAt: Date;
};

/**
 * The credentials of a live connection: its form fields (non-secret settings and decrypted
 * secrets) and, for OAuth, a current access token (refreshed first when due) with what the grant
 * recorded about the account. The one place business calls read secrets.
 */
async function readCredentials(db: Db, row: Row, name: string, actor: string): Promise<Credentials> {
  const fields = settingFields(row.settings);
  try {
    if (row.authType === "oauth2") {
      const token = await getConnectionAccessToken(row.workspaceId, row.id, { actor, db });
      return { fields, accessToken: token.accessToken, account: stringValues(oauthSettings(row.settings as never)) };
    }
    const secrets = await readCredential(db, { workspaceId: row.workspaceId, connectionId: row.id });
    if (!secrets) throw new ConnectionUnavailableError(`${name} has no stored credentials in this workspace: connect it again under Integrations`);
    return { fields: { ...fields, ...secrets } };
  } catch (error) {
    if (error instanceof VaultDecryptError)
      throw new ConnectionUnavailableError(`The stored ${name} credentials cannot be decrypted (was the encryption key changed?): connect ${name} again under Integrations`);
    // "auth" from the token lifecycle: no grant, waiting for a reconnect, or the refresh was refused.
    if (error instanceof ProviderError && error.category === "auth")
      throw new ConnectionUnavailableError(`${name}: ${error.message.replace(/[.\s]+$/, "")}. Reconnect it under Integrations.`);
    throw error;
  }
}

function opened(db: Db, row: Row, credentials: Credentials, options: OpenOptions): OpenConnection {
  const providerName = getProvider(row.providerId)?.name ?? row.providerId;
  const secrets = { ...credentials.fields, ...(credentials.accessToken ? { accessToken: credentials.accessToken } : {}) };
  const classify = scrubbedClassifier(options.classify ?? classifyError, secrets);
  const connection: OpenConnection = {
    id: row.id,
    workspaceId: row.workspaceId,
    providerId: row.providerId,
    providerName,
    actor: options.actor,
    credentials,
    call: (operation, fn, callOptions = {}) =>
      callProvider({ workspaceId: row.workspaceId, connectionId: row.id, providerId: row.providerId, operation, actor: options.actor }, fn, { db, classify, ...callOptions }),
    async run(operation, fn, what, callOptions) {
      const result = await connection.call(operation, fn, callOptions);
      if (result.ok) return result.value;
      throw providerFailure(result, what);
    },
  };
  return connection;
}

/** Opens one connection of the workspace by id (409 when it cannot be used, 404 when it is not the workspace's). */
export async function openConnection(workspaceId: string, connectionId: string, options: OpenOptions): Promise<OpenConnection> {
  const db = options.db ?? (await getDb());
  const row = (await db.connection.findFirst({ where: { id: connectionId, workspaceId }, select: CONNECTION_SELECT })) as Row | null;
  if (!row) throw new ApiError(404, "No such connection in this workspace");
  const name = getProvider(row.providerId)?.name ?? row.providerId;
  // "error" after a passing failure still holds working credentials; the pipeline heals it.
  if (!isLive(row)) throw new ConnectionUnavailableError(`${name} is not connected in this workspace: connect it under Integrations first`);
  if (row.needsReauth) throw new ConnectionUnavailableError(`${name} needs to be reconnected: it no longer accepts the stored authorisation`);
  if (row.pausedAt) throw new ConnectionUnavailableError(`${name} is paused: resume it on the Integrations page to use it again`);
  return opened(db, row, await readCredentials(db, row, name, options.actor), options);
}

/** "Twilio", "SendGrid or SMTP": the providers that fill a slot, for messages. */
export function slotProviderNames(slot: CapabilitySlot): string {
  const names = providersWith(slot).map((p) => p.name);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : (names[0] ?? `a ${slot} provider`);
}

/**
 * The workspace's connections that can serve a capability, best first (see choose.ts): the one an
 * admin made the default, else healthy before failing, registry order, oldest first. Paused ones
 * last: they are used only to say that the capability is paused.
 */
export async function capabilityConnections(workspaceId: string, slot: CapabilitySlot, db?: Db): Promise<Row[]> {
  const order = providersWith(slot).map((p) => p.id);
  if (order.length === 0) return [];
  const client = db ?? (await getDb());
  const [rows, defaults] = await Promise.all([
    client.connection.findMany({ where: { workspaceId, providerId: { in: order }, ...LIVE }, select: CONNECTION_SELECT }) as Promise<Row[]>,
    readDefaults(client, workspaceId),
  ]);
  return rankConnections(rows, new Set(defaults[slot] ? [defaults[slot]] : []), order);
}

/**
 * Opens the workspace's connection for a capability and loads its port: the named connection
 * (which must fill the slot), else the default one. 409 naming the providers when none is connected.
 */
export async function openCapability<S extends CapabilitySlot>(workspaceId: string, slot: S, options: OpenOptions): Promise<{ connection: OpenConnection; port: PortsBySlot[S] }> {
  const db = options.db ?? (await getDb());
  let row: Row | undefined;
  if (options.connectionId) {
    row = ((await db.connection.findFirst({ where: { id: options.connectionId, workspaceId }, select: CONNECTION_SELECT })) as Row | null) ?? undefined;
    if (!row) throw new ApiError(404, "No such connection in this workspace");
    if (!providersWith(slot).some((p) => p.id === row!.providerId)) throw new ApiError(400, `${getProvider(row.providerId)?.name ?? row.providerId} cannot be used for ${slot}`);
  } else {
    [row] = await capabilityConnections(workspaceId, slot, db);
    if (!row) {
      const names = slotProviderNames(slot);
      throw new ConnectionUnavailableError(
        `${names} ${providersWith(slot).length > 1 ? "are" : "is"} not connected in this workspace: connect ${providersWith(slot).length > 1 ? "one" : "it"} under Integrations first`,
      );
    }
  }
  const port = await loadPort(row.providerId, slot);
  const classify = options.classify ?? (port as { classify?: (error: unknown) => ProviderError }).classify?.bind(port);
  const connection = await openConnection(workspaceId, row.id, { ...options, db, ...(classify ? { classify } : {}) });
  return { connection, port };
}
