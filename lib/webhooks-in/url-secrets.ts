// The secret a connection's own inbound webhook URL carries, for providers that sign nothing
// (Mailchimp): /api/webhooks/<provider>/<connectionId>?secret=…. The URL names the connection, and
// so the workspace; the secret proves the caller was given that URL. One random secret per
// connection, sealed by the vault with additional authenticated data naming the connection
// ("inbound-url:<id>" in the vault's connection slot), so a blob copied onto another connection —
// or onto a credential — fails to decrypt. Issued the first time an admin reads the URL, and kept
// when the account is reconnected, so the URL registered at the provider keeps working.
import crypto from "node:crypto";
import type { SessionUser } from "@/lib/auth/session";
import { publicBaseUrl } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/http/api";
import { getProvider } from "@/lib/integrations/registry";
import { seal, unseal, type CredentialOwner } from "@/lib/vault";
import { loadKeyring } from "@/lib/vault/keys";

interface Owner {
  connectionId: string;
  workspaceId: string;
}

function vaultOwner({ workspaceId, connectionId }: Owner): CredentialOwner {
  return { workspaceId, connectionId: `inbound-url:${connectionId}` };
}

type SealedRow = { ciphertext: string; keyId: string };

/** Unseals, and re-seals with the current vault key when the row was sealed with an earlier one (only if nobody changed it meanwhile). */
async function openRow(db: Db, owner: Owner, row: SealedRow): Promise<string> {
  const { secret } = unseal(row, vaultOwner(owner));
  if (row.keyId !== loadKeyring().current.id) {
    await db.inboundUrlSecret.updateMany({ where: { connectionId: owner.connectionId, ciphertext: row.ciphertext }, data: sealSecret(owner, secret!) });
  }
  return secret!;
}

function sealSecret(owner: Owner, secret: string): SealedRow {
  const { ciphertext, keyId } = seal({ secret }, vaultOwner(owner));
  return { ciphertext, keyId };
}

/** The connection's URL secret, or null when none was issued yet. */
export async function readUrlSecret(db: Db, owner: Owner): Promise<string | null> {
  const row = await db.inboundUrlSecret.findUnique({ where: { connectionId: owner.connectionId }, select: { ciphertext: true, keyId: true } });
  return row ? openRow(db, owner, row) : null;
}

/** The connection's URL secret, issued now when it has none (two concurrent first reads agree on one). */
export async function issueUrlSecret(db: Db, owner: Owner): Promise<string> {
  const existing = await readUrlSecret(db, owner);
  if (existing) return existing;
  const sealed = sealSecret(owner, crypto.randomBytes(32).toString("base64url"));
  await db.inboundUrlSecret.createMany({ data: [{ connectionId: owner.connectionId, ...sealed }], skipDuplicates: true });
  return (await readUrlSecret(db, owner))!;
}

/** What a viewer sees in place of the secret. */
export const MASKED_SECRET = "********";

export interface ConnectionWebhookUrl {
  url: string;
  /** True when the secret is masked (viewers): the URL cannot be used as it is. */
  masked: boolean;
}

/**
 * The webhook URL to register at the provider for one connection of the user's workspace: whole
 * for an admin (issuing the secret on first read), masked for a viewer, whose answer never holds
 * the secret. 404 for a connection of another workspace; 409 for a provider whose webhooks are not
 * addressed per connection.
 */
export async function connectionWebhookUrl(db: Db, user: SessionUser, connectionId: string): Promise<ConnectionWebhookUrl> {
  const connection = await db.connection.findFirst({
    where: { id: connectionId, workspaceId: user.workspaceId, status: { not: "disconnected" } },
    select: { id: true, workspaceId: true, providerId: true },
  });
  if (!connection) throw notFound("No connected connection with this id in your workspace");
  const pathOf = getProvider(connection.providerId)?.connectionWebhookPath;
  if (!pathOf) throw new ApiError(409, "This provider's webhooks are not addressed to one connection: see the README's provider webhook URLs");
  const admin = user.role === "admin";
  const secret = admin ? await issueUrlSecret(db, { connectionId: connection.id, workspaceId: connection.workspaceId }) : MASKED_SECRET;
  return { url: `${publicBaseUrl()}/api/webhooks/${connection.providerId}/${pathOf(connection.id, secret)}`, masked: !admin };
}

/** `npm run vault:rotate`: re-seals every URL secret with the current key. */
export async function resealAllUrlSecrets(db: Db): Promise<{ total: number; rotated: number; failed: { connectionId: string; reason: string }[] }> {
  const current = loadKeyring().current.id;
  const rows = await db.inboundUrlSecret.findMany({ select: { connectionId: true, ciphertext: true, keyId: true, connection: { select: { workspaceId: true } } } });
  const report = { total: rows.length, rotated: 0, failed: [] as { connectionId: string; reason: string }[] };
  for (const row of rows) {
    if (row.keyId === current) continue;
    try {
      await openRow(db, { connectionId: row.connectionId, workspaceId: row.connection.workspaceId }, row);
      report.rotated++;
    } catch (error) {
      report.failed.push({ connectionId: row.connectionId, reason: (error as Error).message });
    }
  }
  return report;
}
