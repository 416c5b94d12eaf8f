// An endpoint's signing secret (and the previous one during a rotation) and its custom header
// values, sealed together by the vault. The additional authenticated data names the endpoint
// ("webhook-endpoint:<id>" in the vault's connection slot), so a blob copied onto another
// endpoint — or onto a connection's credential — fails to decrypt.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { seal, unseal, type CredentialOwner } from "@/lib/vault";
import { loadKeyring } from "@/lib/vault/keys";

export interface EndpointSecrets {
  secret: string;
  previousSecret?: string;
  headers: Record<string, string>;
}

export interface SealedEndpointSecrets {
  secretCiphertext: string;
  secretKeyId: string;
}

export const ROTATION_OVERLAP_MS = 24 * 3600_000;

function owner(workspaceId: string, endpointId: string): CredentialOwner {
  return { workspaceId, connectionId: `webhook-endpoint:${endpointId}` };
}

export function sealEndpointSecrets(workspaceId: string, endpointId: string, secrets: EndpointSecrets): SealedEndpointSecrets {
  const plain: Record<string, string> = { secret: secrets.secret, headers: JSON.stringify(secrets.headers) };
  if (secrets.previousSecret) plain.previousSecret = secrets.previousSecret;
  const sealed = seal(plain, owner(workspaceId, endpointId));
  return { secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId };
}

type SealedRow = { id: string; workspaceId: string } & SealedEndpointSecrets;

export function unsealEndpointSecrets(row: SealedRow): EndpointSecrets {
  const plain = unseal({ ciphertext: row.secretCiphertext, keyId: row.secretKeyId }, owner(row.workspaceId, row.id));
  return {
    secret: plain.secret!,
    ...(plain.previousSecret ? { previousSecret: plain.previousSecret } : {}),
    headers: plain.headers ? (JSON.parse(plain.headers) as Record<string, string>) : {},
  };
}

/** The secrets that sign now: the current one, and the previous one until its overlap ends. */
export function signingSecrets(secrets: EndpointSecrets, previousSecretExpiresAt: Date | null, now: Date): string[] {
  const previousValid = secrets.previousSecret && previousSecretExpiresAt && previousSecretExpiresAt.getTime() > now.getTime();
  return previousValid ? [secrets.secret, secrets.previousSecret!] : [secrets.secret];
}

/**
 * Unseals, and re-seals with the current vault key when the row was sealed with an earlier one
 * (the row is only replaced if nobody changed it meanwhile).
 */
export async function readEndpointSecrets(db: Db | Prisma.TransactionClient, row: SealedRow): Promise<EndpointSecrets> {
  const secrets = unsealEndpointSecrets(row);
  if (row.secretKeyId !== loadKeyring().current.id) {
    await db.webhookEndpoint.updateMany({
      where: { id: row.id, secretCiphertext: row.secretCiphertext },
      data: sealEndpointSecrets(row.workspaceId, row.id, secrets),
    });
  }
  return secrets;
}

/** `npm run vault:rotate`: re-seals every endpoint's secrets with the current key. */
export async function resealAllEndpointSecrets(db: Db): Promise<{ total: number; rotated: number; failed: { endpointId: string; reason: string }[] }> {
  const current = loadKeyring().current.id;
  const rows = await db.webhookEndpoint.findMany({ select: { id: true, workspaceId: true, secretCiphertext: true, secretKeyId: true } });
  const report = { total: rows.length, rotated: 0, failed: [] as { endpointId: string; reason: string }[] };
  for (const row of rows) {
    if (row.secretKeyId === current) continue;
    try {
      await readEndpointSecrets(db, row);
      report.rotated++;
    } catch (error) {
      report.failed.push({ endpointId: row.id, reason: (error as Error).message });
    }
  }
  return report;
}
