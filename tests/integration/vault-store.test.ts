import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { readCredential, rotateAllCredentials, storeCredential, wipeCredential } from "@/lib/vault";
import { loadKeyring } from "@/lib/vault/keys";
import { pruneOldRecords } from "@/lib/jobs/prune";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createWorkspace } from "@/tests/helpers/factories";

let t: TestDatabase;
const originalKey = process.env.TOKEN_ENCRYPTION_KEY;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => truncateAll(t.db));
afterEach(() => {
  process.env.TOKEN_ENCRYPTION_KEY = originalKey;
  delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
  resetConfig();
});

async function connection(providerId = "stripe") {
  const ws = await createWorkspace(t.db);
  const conn = await t.db.connection.create({ data: { workspaceId: ws.id, providerId, authType: "api_key" } });
  return { workspaceId: ws.id, connectionId: conn.id };
}

function rotateKey() {
  const previous = process.env.TOKEN_ENCRYPTION_KEY!;
  process.env.TOKEN_ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
  process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS = previous;
  resetConfig();
}

describe("credentials at rest", () => {
  it("stores encrypted, reads back, and wipes", async () => {
    const owner = await connection();
    await storeCredential(t.db, owner, { secretKey: "sk_test_abcdefghijklmnop" });
    const row = await t.db.credential.findUniqueOrThrow({ where: { connectionId: owner.connectionId } });
    expect(row.ciphertext).not.toContain("abcdefghijklmnop");
    expect(await readCredential(t.db, owner)).toEqual({ secretKey: "sk_test_abcdefghijklmnop" });
    await wipeCredential(t.db, owner.connectionId);
    expect(await readCredential(t.db, owner)).toBeNull();
  });

  it("a blob copied onto another connection's row does not decrypt", async () => {
    const a = await connection("stripe");
    const b = await connection("sendgrid");
    await storeCredential(t.db, a, { secretKey: "sk_test_aaaaaaaaaaaa" });
    await storeCredential(t.db, b, { apiKey: "SG.bbbbbbbb.bbbbbbbb" });
    const rowA = await t.db.credential.findUniqueOrThrow({ where: { connectionId: a.connectionId } });
    await t.db.credential.update({ where: { connectionId: b.connectionId }, data: { ciphertext: rowA.ciphertext, keyId: rowA.keyId } });
    await expect(readCredential(t.db, b)).rejects.toThrow(/another connection/);
  });

  it("re-encrypts with the current key when read with an old one", async () => {
    const owner = await connection();
    await storeCredential(t.db, owner, { secretKey: "sk_test_rotate_me_1234" });
    const before = await t.db.credential.findUniqueOrThrow({ where: { connectionId: owner.connectionId } });
    rotateKey();
    expect(await readCredential(t.db, owner)).toEqual({ secretKey: "sk_test_rotate_me_1234" });
    const after = await t.db.credential.findUniqueOrThrow({ where: { connectionId: owner.connectionId } });
    expect(after.keyId).toBe(loadKeyring().current.id);
    expect(after.keyId).not.toBe(before.keyId);
  });

  it("vault:rotate re-encrypts everything and reports what it did", async () => {
    const owners = [await connection("stripe"), await connection("sendgrid"), await connection("twilio")];
    for (const o of owners) await storeCredential(t.db, o, { token: `secret-${o.connectionId}` });
    rotateKey();
    await storeCredential(t.db, owners[2]!, { token: `secret-${owners[2]!.connectionId}` }); // already current
    const report = await rotateAllCredentials(t.db);
    expect(report).toEqual({ total: 3, rotated: 2, alreadyCurrent: 1, failed: [] });
    const ids = new Set((await t.db.credential.findMany()).map((c) => c.keyId));
    expect([...ids]).toEqual([loadKeyring().current.id]);
    // Once rotated, the old key can be dropped.
    delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
    resetConfig();
    for (const o of owners) expect(await readCredential(t.db, o)).toEqual({ token: `secret-${o.connectionId}` });
  });
});

describe("prune", () => {
  it("drops activity past retention and stale sign-in attempts, keeps the rest", async () => {
    const ws = await createWorkspace(t.db);
    const old = new Date(Date.now() - 31 * 86_400_000);
    const base = { workspaceId: ws.id, providerId: "stripe", operation: "x", outcome: "success" as const, durationMs: 1, actor: "test" };
    await t.db.integrationActivity.createMany({ data: [{ ...base, createdAt: old }, { ...base }] });
    await t.db.loginAttempt.createMany({ data: [{ key: "account:a", createdAt: new Date(Date.now() - 3600_000) }, { key: "account:a" }] });
    const report = await pruneOldRecords(t.db);
    expect(report).toMatchObject({ activityDeleted: 1, loginAttemptsDeleted: 1, retentionDays: 30 });
    expect(await t.db.integrationActivity.count()).toBe(1);
    expect(await t.db.loginAttempt.count()).toBe(1);
  });
});
