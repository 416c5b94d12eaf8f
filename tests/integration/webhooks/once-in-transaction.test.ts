// Events raised in one transaction ask once which endpoints subscribe (the inbound drain raises a
// hundred payment.succeeded events per transaction); each new transaction asks again, so an
// endpoint added between two batches gets the second batch's events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onceInTransaction } from "@/lib/db/after-commit";
import { emitEvent } from "@/lib/events";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { createWorkspace } from "@/tests/helpers/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());

describe("onceInTransaction", () => {
  it("computes once per transaction and key, and every time outside one", async () => {
    let calls = 0;
    const compute = async () => ++calls;
    await t.db.$transaction(async () => {
      expect(await onceInTransaction("a", compute)).toBe(1);
      expect(await onceInTransaction("a", compute)).toBe(1);
      expect(await onceInTransaction("b", compute)).toBe(2);
    });
    await t.db.$transaction(async () => {
      expect(await onceInTransaction("a", compute)).toBe(3);
    });
    expect(await onceInTransaction("a", compute)).toBe(4);
    expect(await onceInTransaction("a", compute)).toBe(5);
  });

  it("queues every event of a transaction for the endpoints it found once, and asks again in the next", async () => {
    const workspace = await createWorkspace(t.db, "Once");
    // Paused: queued for, never sent to (nothing here may leave the machine).
    const endpoint = (id: string) => ({
      id,
      workspaceId: workspace.id,
      name: id,
      url: "https://hooks.example.com/x",
      events: ["payment.succeeded"],
      status: "paused" as const,
      secretCiphertext: "x",
      secretKeyId: "x",
    });
    const raiseInOneTransaction = (from: number, count: number) =>
      t.db.$transaction(async (tx) => {
        for (let n = from; n < from + count; n++) {
          await emitEvent(tx, { workspaceId: workspace.id, type: "payment.succeeded", data: { paymentIntentId: `pi_${n}`, amount: 1, currency: "eur", registrationId: null } });
        }
      });
    await t.db.webhookEndpoint.create({ data: endpoint("ep_first") });
    await raiseInOneTransaction(0, 3);
    await t.db.webhookEndpoint.create({ data: endpoint("ep_second") });
    await raiseInOneTransaction(3, 2);
    const deliveries = await t.db.webhookDelivery.findMany({ select: { endpointId: true } });
    expect(deliveries.filter((d) => d.endpointId === "ep_first")).toHaveLength(5);
    expect(deliveries.filter((d) => d.endpointId === "ep_second")).toHaveLength(2);
  });
});
