// The credential vault: AES-256-GCM with a random 96-bit IV per encryption, the auth tag checked
// on every read, and additional authenticated data binding each ciphertext to its workspace and
// connection, so a blob copied onto another row fails to decrypt.
import crypto from "node:crypto";
import type { Db } from "@/lib/db/client";
import { loadKeyring, type Keyring } from "@/lib/vault/keys";

export type Secrets = Record<string, string>;

export interface CredentialOwner {
  workspaceId: string;
  connectionId: string;
}

export interface SealedSecret {
  ciphertext: string;
  keyId: string;
  version: number;
}

const FORMAT = "v1";
const FORMAT_VERSION = 1;

export class VaultDecryptError extends Error {
  override name = "VaultDecryptError";
}

function aad(owner: CredentialOwner): Buffer {
  return Buffer.from(`plugboard/credential/${FORMAT}|${owner.workspaceId}|${owner.connectionId}`);
}

export function seal(secrets: Secrets, owner: CredentialOwner, ring: Keyring = loadKeyring()): SealedSecret {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(aad(owner));
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return {
    ciphertext: [FORMAT, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join("."),
    keyId: ring.current.id,
    version: FORMAT_VERSION,
  };
}

export function unseal(sealed: Pick<SealedSecret, "ciphertext" | "keyId">, owner: CredentialOwner, ring: Keyring = loadKeyring()): Secrets {
  const key = ring.byId.get(sealed.keyId);
  // The messages name the key id (a fingerprint), never key material or plaintext.
  if (!key) throw new VaultDecryptError(`No configured encryption key has id ${sealed.keyId}; add it to TOKEN_ENCRYPTION_KEYS_PREVIOUS`);
  const [format, iv, tag, body] = sealed.ciphertext.split(".");
  if (format !== FORMAT || !iv || !tag || body === undefined) throw new VaultDecryptError("Credential blob has an unknown format");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(aad(owner));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]);
    return JSON.parse(plain.toString("utf8")) as Secrets;
  } catch {
    throw new VaultDecryptError("Credential failed authentication: it was altered or belongs to another connection");
  }
}

/** Stores (or replaces) a connection's secrets, encrypted with the current key. */
export async function storeCredential(db: Db, owner: CredentialOwner, secrets: Secrets): Promise<void> {
  const sealed = seal(secrets, owner);
  await db.credential.upsert({
    where: { connectionId: owner.connectionId },
    create: { connectionId: owner.connectionId, ...sealed },
    update: sealed,
  });
}

/**
 * Reads a connection's secrets, or null when it has none. A credential sealed with an earlier
 * key is re-encrypted with the current one on the way.
 */
export async function readCredential(db: Db, owner: CredentialOwner): Promise<Secrets | null> {
  const row = await db.credential.findUnique({ where: { connectionId: owner.connectionId } });
  if (!row) return null;
  const ring = loadKeyring();
  const secrets = unseal(row, owner, ring);
  if (row.keyId !== ring.current.id || row.version !== FORMAT_VERSION) {
    const sealed = seal(secrets, owner, ring);
    // Only replace the row we read, so a concurrent write of new secrets is never overwritten.
    await db.credential.updateMany({ where: { id: row.id, ciphertext: row.ciphertext }, data: sealed });
  }
  return secrets;
}

export async function wipeCredential(db: Db, connectionId: string): Promise<void> {
  await db.credential.deleteMany({ where: { connectionId } });
}

/** Which secret fields a connection has set — all the API ever says about secrets. */
export function describeSecrets(secrets: Secrets | null): Record<string, boolean> {
  return Object.fromEntries(Object.entries(secrets ?? {}).map(([field, value]) => [field, Boolean(value)]));
}

export interface RotationReport {
  total: number;
  rotated: number;
  alreadyCurrent: number;
  failed: { connectionId: string; reason: string }[];
}

/** Re-encrypts every credential with the current key (`npm run vault:rotate`). */
export async function rotateAllCredentials(db: Db): Promise<RotationReport> {
  const ring = loadKeyring();
  const report: RotationReport = { total: 0, rotated: 0, alreadyCurrent: 0, failed: [] };
  const rows = await db.credential.findMany({ include: { connection: { select: { workspaceId: true } } } });
  for (const row of rows) {
    report.total++;
    if (row.keyId === ring.current.id && row.version === FORMAT_VERSION) {
      report.alreadyCurrent++;
      continue;
    }
    const owner = { workspaceId: row.connection.workspaceId, connectionId: row.connectionId };
    try {
      const sealed = seal(unseal(row, owner, ring), owner, ring);
      await db.credential.updateMany({ where: { id: row.id, ciphertext: row.ciphertext }, data: sealed });
      report.rotated++;
    } catch (error) {
      report.failed.push({ connectionId: row.connectionId, reason: (error as Error).message });
    }
  }
  return report;
}

/**
 * A stable, non-reversible name for a set of secrets (an HMAC under a key derived from the current
 * vault key): tells "the same API key again" from another account without storing the key. Low-
 * entropy secrets (an SMTP password) cannot be guessed offline from it without the vault key.
 */
export function fingerprintSecrets(secrets: Secrets, ring: Keyring = loadKeyring()): string {
  const key = crypto.createHmac("sha256", ring.current.key).update("plugboard-account-fingerprint").digest();
  const mac = crypto.createHmac("sha256", key);
  for (const name of Object.keys(secrets).sort()) mac.update(`${name}\u0000${secrets[name]}\u0000`);
  return mac.digest("base64url").slice(0, 32);
}
