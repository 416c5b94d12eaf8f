// Lead export to the fake Odoo: the crm.lead Odoo receives, batches and progress, faults as
// reasons, and no duplicate when a run crashes halfway and runs again.
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db/client";
import { connectApiKey } from "@/lib/connections/api-key";
import { exportLeads, leadExportKey } from "@/lib/odoo-sync/leads";
import { ODOO_LOGIN } from "@/tests/fakes/odoo";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();

async function connectOdoo(extra: Record<string, string> = {}): Promise<SessionUser> {
  const user = await signedIn(h.t.db);
  await connectApiKey(user, "odoo", { url: h.fakes.odoo.url, database: ODOO_LOGIN.database, username: ODOO_LOGIN.username, apiKey: ODOO_LOGIN.apiKey, ...extra });
  h.fakes.odoo.calls.length = 0;
  return user;
}

async function addLeads(db: Db, workspaceId: string, count: number, extra: Record<string, string> = {}) {
  const leads = [];
  for (let i = 1; i <= count; i++) {
    leads.push(
      await db.lead.create({
        data: {
          workspaceId,
          name: `Ada ${i}`,
          email: `ada${i}@example.test`,
          phone: "+49 30 1234",
          company: "Analytical Engines",
          website: "https://ae.example",
          whitepaperTitle: "Automation <for> SMEs",
          ...extra,
        },
      }),
    );
  }
  return leads;
}

const run = (user: SessionUser, extra: Partial<Parameters<typeof exportLeads>[1]> = {}) =>
  exportLeads(user.workspaceId, { trigger: "manual", actor: `user:${user.email}`, ...extra });

describe("lead export", () => {
  it("creates each lead in Odoo as the issue describes and marks it exported with its Odoo id", async () => {
    const user = await connectOdoo();
    const [lead] = await addLeads(h.t.db, user.workspaceId, 1);
    const report = await run(user);
    expect(report).toMatchObject({ status: "completed", total: 1, processed: 1, successful: 1, failed: 0, failures: [], counts: { created: 1 } });

    const [odooLead] = h.fakes.odoo.records("crm.lead");
    const source = h.fakes.odoo.records("utm.source");
    const medium = h.fakes.odoo.records("utm.medium");
    const tag = h.fakes.odoo.records("crm.tag");
    expect(source.map((r) => r.name)).toEqual(["Website"]);
    expect(medium.map((r) => r.name)).toEqual(["Whitepaper Download"]);
    expect(tag.map((r) => r.name)).toEqual(["Magnetiq Lead"]);
    expect(odooLead).toMatchObject({
      name: "Website Lead - Ada 1",
      contact_name: "Ada 1",
      email_from: "ada1@example.test",
      phone: "+49 30 1234",
      partner_name: "Analytical Engines",
      website: "https://ae.example",
      source_id: source[0]!.id,
      medium_id: medium[0]!.id,
      tag_ids: [tag[0]!.id],
    });
    // The description names the whitepaper (escaped: Odoo stores it as HTML) and carries the key.
    expect(odooLead!.description).toContain("Downloaded the whitepaper “Automation &lt;for&gt; SMEs”");
    expect(odooLead!.description).toContain(leadExportKey(lead!.id));

    const stored = await h.t.db.lead.findUniqueOrThrow({ where: { id: lead!.id } });
    expect(stored).toMatchObject({ odooLeadId: odooLead!.id, exportKey: leadExportKey(lead!.id), exportAttempts: 1, lastExportError: null });
    expect(stored.exportedAt).toBeInstanceOf(Date);
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { workspaceId: user.workspaceId, providerId: "odoo" } });
    expect(connection).toMatchObject({ usageLabel: "Leads exported", usageValue: "1" });
    expect(connection.lastSyncAt).toBeInstanceOf(Date);
    // Every call went through the pipeline: one activity row each.
    const operations = (
      await h.t.db.integrationActivity.findMany({
        where: { workspaceId: user.workspaceId, providerId: "odoo", operation: { not: "connection.test" } },
        orderBy: { createdAt: "asc" },
      })
    ).map((a) => a.operation);
    expect(operations).toEqual(["common.authenticate", "utm.source.lookup", "utm.medium.lookup", "crm.tag.lookup", "crm.lead.create"]);
  });

  it("uses the configured source, medium and tag, finds existing ones, and caches the ids for the next run", async () => {
    const existingSource = h.fakes.odoo.insert("utm.source", { name: "Partner site" });
    const user = await connectOdoo({ leadSource: "Partner site", leadMedium: "Webinar", leadTag: "Hot" });
    await addLeads(h.t.db, user.workspaceId, 1);
    await run(user);
    const [lead] = h.fakes.odoo.records("crm.lead");
    expect(lead!.source_id).toBe(existingSource);
    expect(h.fakes.odoo.records("utm.source")).toHaveLength(1);
    expect(h.fakes.odoo.records("utm.medium").map((r) => r.name)).toEqual(["Webinar"]);
    expect(h.fakes.odoo.records("crm.tag").map((r) => r.name)).toEqual(["Hot"]);

    await addLeads(h.t.db, user.workspaceId, 1);
    h.fakes.odoo.calls.length = 0;
    expect(await run(user)).toMatchObject({ successful: 1 });
    // Cached: no look-ups on the second run, only the login and the create.
    expect(h.fakes.odoo.calls.map((c) => c.op ?? c.method)).toEqual(["authenticate", "create"]);
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(2);
  });

  it("works through the leads in batches and reports progress done of total", async () => {
    const user = await connectOdoo();
    await addLeads(h.t.db, user.workspaceId, 5);
    const report = await run(user, { batchSize: 2 });
    expect(report).toMatchObject({ status: "completed", total: 5, processed: 5, successful: 5 });
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(5);
    expect(await h.t.db.lead.count({ where: { exportedAt: null } })).toBe(0);
    // Nothing left: the next run has nothing to do.
    expect(await run(user)).toMatchObject({ total: 0, processed: 0 });
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(5);
  });

  it("reports a lead Odoo refuses with its reason and goes on with the others", async () => {
    const user = await connectOdoo();
    const [first] = await addLeads(h.t.db, user.workspaceId, 3);
    h.fakes.odoo.faultNext({ faultCode: 2, faultString: "The email address is blacklisted" }, { model: "crm.lead", op: "create" });
    const report = await run(user);
    expect(report).toMatchObject({ status: "completed", processed: 3, successful: 2, failed: 1 });
    expect(report.failures).toEqual([
      { id: first!.id, label: "Ada 1 <ada1@example.test>", category: "validation", reason: expect.stringContaining("The email address is blacklisted") },
    ]);
    expect((await h.t.db.lead.findUniqueOrThrow({ where: { id: first!.id } })).lastExportError).toMatch(/Odoo rejected the data/);
    // The refused lead is tried again by the next run (which must search first: it may exist).
    const again = await run(user);
    expect(again).toMatchObject({ processed: 1, successful: 1 });
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(3);
  });

  it("stops at once when Odoo refuses the credentials, and marks the connection for reconnecting", async () => {
    const user = await connectOdoo();
    await addLeads(h.t.db, user.workspaceId, 3);
    h.fakes.odoo.faultNext({ faultCode: 3, faultString: "Access Denied" });
    const report = await run(user);
    expect(report.status).toBe("failed");
    expect(report.message).toMatch(/Odoo denied access/);
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(0);
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { workspaceId: user.workspaceId, providerId: "odoo" } });
    expect(connection).toMatchObject({ needsReauth: true, lastErrorCategory: "auth" });
  });

  it("never duplicates a lead when Odoo crashes right after creating it and the export runs again", async () => {
    const user = await connectOdoo();
    const leads = await addLeads(h.t.db, user.workspaceId, 6);
    // The third create is stored in Odoo, then the server dies before answering.
    h.fakes.odoo.crashAfterCreates("crm.lead", 3);
    const crashed = await run(user, { batchSize: 4 });
    expect(crashed).toMatchObject({ status: "failed", successful: 2, failed: 1, total: 6 });
    expect(crashed.failures[0]).toMatchObject({ id: leads[2]!.id, category: "transient" });
    expect(crashed.message).toMatch(/Stopped early/);
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(3);
    // The lead whose answer was lost is claimed (its key stored) but not marked exported.
    expect(await h.t.db.lead.findUniqueOrThrow({ where: { id: leads[2]!.id } })).toMatchObject({ exportedAt: null, exportKey: leadExportKey(leads[2]!.id) });

    h.fakes.odoo.recover();
    const rerun = await run(user, { batchSize: 4 });
    expect(rerun).toMatchObject({ status: "completed", total: 4, successful: 4, counts: { found: 1, created: 3 } });
    const inOdoo = h.fakes.odoo.records("crm.lead");
    expect(inOdoo).toHaveLength(6);
    for (const lead of leads) {
      const key = leadExportKey(lead.id);
      const matching = inOdoo.filter((r) => String(r.description).includes(key));
      expect(matching, lead.name).toHaveLength(1);
      expect((await h.t.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).odooLeadId).toBe(matching[0]!.id);
    }
  });

  it("takes over from a run that died (no progress for too long) and adopts what it had created", async () => {
    const user = await connectOdoo();
    const [lead, other] = await addLeads(h.t.db, user.workspaceId, 2);
    // The dead run's state: it claimed the lead, Odoo created it, and then the process was killed.
    const key = leadExportKey(lead!.id);
    const odooId = h.fakes.odoo.insert("crm.lead", { name: "Website Lead - Ada 1", description: `<p>Plugboard reference: ${key}</p>` });
    await h.t.db.lead.update({ where: { id: lead!.id }, data: { exportKey: key, exportAttempts: 1 } });
    const old = new Date(Date.now() - 60 * 60_000);
    const dead = await h.t.db.odooSyncRun.create({
      data: {
        workspaceId: user.workspaceId,
        kind: "leads",
        trigger: "cron",
        actor: "cron",
        activeKey: `${user.workspaceId}:leads`,
        total: 2,
        done: 0,
        startedAt: old,
        heartbeatAt: old,
      },
    });

    const report = await run(user);
    expect(report).toMatchObject({ status: "completed", successful: 2, counts: { found: 1, created: 1 } });
    expect(h.fakes.odoo.records("crm.lead")).toHaveLength(2);
    expect((await h.t.db.lead.findUniqueOrThrow({ where: { id: lead!.id } })).odooLeadId).toBe(odooId);
    expect((await h.t.db.lead.findUniqueOrThrow({ where: { id: other!.id } })).exportedAt).toBeInstanceOf(Date);
    expect(await h.t.db.odooSyncRun.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({
      status: "failed",
      activeKey: null,
      message: expect.stringMatching(/Abandoned/),
    });
  });

  it("refuses a second run while one is active, and says how far it is", async () => {
    const user = await connectOdoo();
    await h.t.db.odooSyncRun.create({
      data: { workspaceId: user.workspaceId, kind: "leads", trigger: "manual", actor: "x", activeKey: `${user.workspaceId}:leads`, total: 120, done: 40 },
    });
    const error = await rejection(run(user));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/already running.*40 of 120 done/);
  });

  it("answers 409 when Odoo is not connected", async () => {
    const user = await signedIn(h.t.db);
    const error = await rejection(run(user));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/Odoo is not connected/);
  });
});
