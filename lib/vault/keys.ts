// Encryption keys for the credential vault. TOKEN_ENCRYPTION_KEY (32 bytes, base64) encrypts;
// keys in TOKEN_ENCRYPTION_KEYS_PREVIOUS (comma-separated) still decrypt, so keys can be rotated
// without downtime. Each key is known by a short id derived from it, stored with every ciphertext.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config, dataDir, usesEmbeddedDatabase } from "@/lib/config";
import { logger } from "@/lib/log";

export interface VaultKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  current: VaultKey;
  byId: Map<string, VaultKey>;
}

export class VaultConfigError extends Error {
  override name = "VaultConfigError";
}

export const GENERATED_KEY_FILE = "encryption.key";

export function keyId(key: Buffer): string {
  return crypto.createHash("sha256").update("plugboard-vault-key:").update(key).digest("hex").slice(0, 16);
}

function parseKey(value: string, variable: string): VaultKey {
  const trimmed = value.trim();
  const key = Buffer.from(trimmed, "base64");
  // Buffer.from ignores junk silently, so check the round trip as well as the length.
  const canonical = key.toString("base64").replace(/=+$/, "") === trimmed.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (key.length !== 32 || !canonical) {
    throw new VaultConfigError(`${variable} must be 32 random bytes in base64 (44 characters); generate one with: openssl rand -base64 32`);
  }
  return { id: keyId(key), key };
}

function generatedKey(): string {
  const file = path.join(dataDir(), GENERATED_KEY_FILE);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = crypto.randomBytes(32).toString("base64");
  fs.writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
  logger.warn("vault: TOKEN_ENCRYPTION_KEY is not set; generated a key for the embedded database", {
    file,
    hint: "back this file up with the data folder; set TOKEN_ENCRYPTION_KEY for any real deployment",
  });
  return value;
}

let cached: { source: string; ring: Keyring } | undefined;

/** The keyring from the environment. Throws VaultConfigError with an actionable message. */
export function loadKeyring(): Keyring {
  const cfg = config();
  let currentValue = cfg.TOKEN_ENCRYPTION_KEY;
  if (!currentValue) {
    if (!usesEmbeddedDatabase()) {
      throw new VaultConfigError("TOKEN_ENCRYPTION_KEY is not set. Credentials are encrypted with it: generate one with `openssl rand -base64 32` and set it in the environment.");
    }
    currentValue = generatedKey();
  }
  const source = `${currentValue}|${cfg.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? ""}`;
  if (cached?.source === source) return cached.ring;
  const current = parseKey(currentValue, "TOKEN_ENCRYPTION_KEY");
  const byId = new Map<string, VaultKey>([[current.id, current]]);
  for (const value of (cfg.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").filter((v) => v.trim())) {
    const previous = parseKey(value, "TOKEN_ENCRYPTION_KEYS_PREVIOUS");
    if (!byId.has(previous.id)) byId.set(previous.id, previous);
  }
  const ring = { current, byId };
  cached = { source, ring };
  return ring;
}
