// Endpoint secrets in the vault: bound to their endpoint, re-sealed when the encryption key
// rotates, and an unreadable secret fails the attempt with a message saying what to do.
import crypto from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { emitEvent } from "@/lib/events";
import { deliverDueWebhooks } from "@/lib/webhooks-out/deliver";
import { resealAllEndpointSecrets, unsealEndpointSecrets } from "@/lib/webhooks-out/secrets";
import { VaultDecryptError } from "@/lib/vault";
import { signedIn } from "../integrations/setup";
import { endpointAt, LOCAL_POLICY, useWebhookHarness } from "./harness";

const h = useWebhookHarness();
const originalKey = process.env.TOKEN_ENCRYPTION_KEY;
afterEach(() => {
  process.env.TOKEN_ENCRYPTION_KEY = originalKey;
  delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
  resetConfig();
});

function rotateKey(keepPrevious: boolean) {
  const previous = process.env.TOKEN_ENCRYPTION_KEY!;
  process.env.TOKEN_ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
  if (keepPrevious) process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS = previous;
  resetConfig();
}

describe("endpoint secrets in the vault", () => {
  it("are bound to their endpoint: a blob copied onto another endpoint does not decrypt", async () => {
    const user = await signedIn(h.t.db);
    const a = await endpointAt(user, h.receiver, { name: "A", headers: { "X-Key": "value-a" } });
    const b = await endpointAt(user, h.receiver, { name: "B" });
    const rowA = await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: a.endpoint.id } });
    expect(unsealEndpointSecrets(rowA)).toEqual({ secret: a.secret, headers: { "X-Key": "value-a" } });
    expect(() => unsealEndpointSecrets({ ...rowA, id: b.endpoint.id })).toThrow(VaultDecryptError);
  });

  it("are re-sealed with the new key by vault:rotate, and keep signing after the old key is gone", async () => {
    const user = await signedIn(h.t.db);
    const { endpoint, secret } = await endpointAt(user, h.receiver);
    rotateKey(true);
    expect(await resealAllEndpointSecrets(h.t.db)).toMatchObject({ total: 1, rotated: 1, failed: [] });
    expect(await resealAllEndpointSecrets(h.t.db)).toMatchObject({ total: 1, rotated: 0 });
    delete process.env.TOKEN_ENCRYPTION_KEYS_PREVIOUS;
    resetConfig();
    expect(unsealEndpointSecrets(await h.t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).secret).toBe(secret);
  });

  it("an unreadable secret fails the attempt, saying what to do, and sends nothing", async () => {
    const user = await signedIn(h.t.db);
    await endpointAt(user, h.receiver);
    const queued = await h.t.db.$transaction((tx) => emitEvent(tx, { workspaceId: user.workspaceId, type: "sync.completed", data: {} }));
    rotateKey(false);
    await deliverDueWebhooks({ policy: LOCAL_POLICY });
    expect(h.receiver.received).toHaveLength(0);
    const attempt = await h.t.db.webhookAttempt.findFirstOrThrow({ where: { delivery: { eventId: queued!.eventId } } });
    expect(attempt.error).toMatch(/cannot be decrypted.*rotate the secret/);
  });
});
