// Refused inbound deliveries (missing or wrong signature, unknown connection): their records are
// pruned after INBOUND_WEBHOOK_REFUSED_RETENTION_HOURS.
import { describe, expect, it } from "vitest";
import { pruneOldRecords } from "@/lib/jobs/prune";
import { storeDelivery } from "@/lib/webhooks-in/store";
import { signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { deliverWebhook } from "@/tests/integration/webhooks/helpers";

const h = useHarness();

const HOUR = 3600_000;
const unsigned = (body = "{}") => deliverWebhook({ url: "http://127.0.0.1/api/webhooks/stripe", headers: { "content-type": "application/json" }, body });

describe("records of refused deliveries", () => {
  it("are pruned a day after they arrived; accepted events and recent refusals stay", async () => {
    const user = await signedIn(h.t.db);
    for (let i = 0; i < 6; i++) expect((await unsigned()).status).toBe(401);
    const accepted = await storeDelivery(
      h.t.db,
      { provider: "mailchimp", workspaceId: user.workspaceId, connectionId: null, dedupeKey: "sha256:kept", type: "campaign", payload: { type: "campaign" } },
      10,
    );
    const now = new Date();
    const refused = await h.t.db.inboundEvent.findMany({ where: { state: "rejected" }, select: { id: true }, orderBy: { id: "asc" } });
    expect(refused).toHaveLength(6);
    const [recent, old] = [refused.slice(0, 2).map((r) => r.id), refused.slice(2).map((r) => r.id)];
    await h.t.db.inboundEvent.updateMany({ where: { id: { in: recent } }, data: { receivedAt: new Date(now.getTime() - 23 * HOUR) } });
    await h.t.db.inboundEvent.updateMany({ where: { id: { in: old } }, data: { receivedAt: new Date(now.getTime() - 25 * HOUR) } });
    await h.t.db.inboundEvent.update({ where: { id: accepted.eventId }, data: { receivedAt: new Date(now.getTime() - 72 * HOUR) } });

    expect(await pruneOldRecords(h.t.db, now)).toMatchObject({ refusedWebhooksDeleted: 4 });
    const left = await h.t.db.inboundEvent.findMany({ select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([...recent, accepted.eventId].sort());
  });
});
