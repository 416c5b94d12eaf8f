import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { seal, unseal, VaultDecryptError } from "@/lib/vault";
import { keyId, loadKeyring, VaultConfigError } from "@/lib/vault/keys";

const owner = { workspaceId: "ws_1", connectionId: "conn_1" };
const newKey = () => crypto.randomBytes(32).toString("base64");
const saved = { ...process.env };

function useKeys(current: string | undefined, previous?: string) {
  if (current === undefined) delete process.env.TOKEN_ENCRYPTION_KEY;
  else process.env.TOKEN_ENCRYPTION_KEY = current;
  if (previous === undefined) delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
  else process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS = previous;
  resetConfig();
}

beforeEach(() => useKeys(newKey()));
afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

describe("credential vault", () => {
  it("round-trips secrets and never stores them in clear", () => {
    const sealed = seal({ secretKey: "sk_test_supersecret123" }, owner);
    expect(sealed.ciphertext).not.toContain("supersecret");
    expect(sealed.ciphertext.split(".")).toHaveLength(4);
    expect(sealed.keyId).toBe(loadKeyring().current.id);
    expect(unseal(sealed, owner)).toEqual({ secretKey: "sk_test_supersecret123" });
  });

  it("uses a fresh 96-bit IV for every encryption", () => {
    const a = seal({ k: "v" }, owner);
    const b = seal({ k: "v" }, owner);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext.split(".")[1]!, "base64url")).toHaveLength(12);
  });

  it("refuses a blob copied to another connection or workspace (AAD binding)", () => {
    const sealed = seal({ k: "v" }, owner);
    expect(() => unseal(sealed, { ...owner, connectionId: "conn_2" })).toThrow(VaultDecryptError);
    expect(() => unseal(sealed, { ...owner, workspaceId: "ws_2" })).toThrow(VaultDecryptError);
  });

  it("detects tampering through the auth tag", () => {
    const sealed = seal({ k: "value" }, owner);
    const parts = sealed.ciphertext.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] ^= 1;
    parts[3] = body.toString("base64url");
    expect(() => unseal({ ...sealed, ciphertext: parts.join(".") }, owner)).toThrow(/altered/);
  });

  it("decrypts with a previous key after rotation and encrypts with the current one", () => {
    const oldKey = newKey();
    useKeys(oldKey);
    const sealed = seal({ k: "v" }, owner);
    const current = newKey();
    useKeys(current, `${newKey()},${oldKey}`);
    expect(unseal(sealed, owner)).toEqual({ k: "v" });
    expect(seal({ k: "v" }, owner).keyId).toBe(keyId(Buffer.from(current, "base64")));
    useKeys(current); // old key dropped: its ciphertexts no longer open, with a message naming the key id
    expect(() => unseal(sealed, owner)).toThrow(new RegExp(sealed.keyId));
  });

  it("rejects malformed keys with an actionable message and no key material", () => {
    for (const bad of ["short", Buffer.alloc(16).toString("base64"), "!!!!" + newKey().slice(4)]) {
      useKeys(bad);
      expect(() => loadKeyring()).toThrow(VaultConfigError);
      try {
        loadKeyring();
      } catch (error) {
        expect((error as Error).message).toMatch(/openssl rand -base64 32/);
        expect((error as Error).message).not.toContain(bad);
      }
    }
  });

  it("requires a key when an external database is configured", () => {
    useKeys(undefined);
    process.env.DATABASE_URL = "postgresql://db.example.test/plugboard";
    resetConfig();
    expect(() => loadKeyring()).toThrow(/TOKEN_ENCRYPTION_KEY is not set/);
  });

  it("generates and keeps a key in the data folder on the embedded default", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-"));
    useKeys(undefined);
    delete process.env.DATABASE_URL;
    process.env.PLUGBOARD_DATA_DIR = dir;
    resetConfig();
    const first = loadKeyring().current.id;
    const file = path.join(dir, "encryption.key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64")).toHaveLength(32);
    expect(loadKeyring().current.id).toBe(first);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
