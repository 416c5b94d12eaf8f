// Webinars into Odoo Events (event.event, event.registration, partners) and webinar products back
// as topics, against the fake Odoo.
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { connectApiKey } from "@/lib/connections/api-key";
import { syncWebinarsToOdoo } from "@/lib/odoo-sync/events";
import { importWebinarTopics } from "@/lib/odoo-sync/topics";
import { ODOO_LOGIN } from "@/tests/fakes/odoo";
import { signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();

async function connectOdoo(): Promise<SessionUser> {
  const user = await signedIn(h.t.db);
  await connectApiKey(user, "odoo", { url: h.fakes.odoo.url, database: ODOO_LOGIN.database, username: ODOO_LOGIN.username, apiKey: ODOO_LOGIN.apiKey });
  return user;
}

const options = (user: SessionUser) => ({ trigger: "manual" as const, actor: `user:${user.email}` });

async function webinar(user: SessionUser, extra: Record<string, unknown> = {}) {
  return h.t.db.webinarSession.create({
    data: {
      workspaceId: user.workspaceId,
      title: "Automation for SMEs",
      description: "Line one\n<b>bold</b> claims",
      startsAt: new Date("2026-12-10T16:00:00Z"),
      durationMinutes: 90,
      capacity: 30,
      status: "scheduled",
      onlineUrl: "https://webinar.example.com/automation",
      ...extra,
    },
  });
}

describe("webinar sessions and registrations to Odoo", () => {
  it("creates the event with UTC dates, seats, published flag, online address and the Webinar tag, and the registrations with partners", async () => {
    const user = await connectOdoo();
    const session = await webinar(user);
    const draft = await webinar(user, { title: "Not announced yet", status: "draft" });
    await h.t.db.registration.create({ data: { workspaceId: user.workspaceId, sessionId: draft.id, name: "Early", email: "early@example.test" } });
    const known = h.fakes.odoo.insert("res.partner", { name: "Ada L.", email: "Ada@Example.test" });
    // A look-alike address: `_` is a wildcard to Odoo's =ilike unless escaped.
    h.fakes.odoo.insert("res.partner", { name: "Someone else", email: "grace.hopper@examplextest" });
    await h.t.db.registration.create({ data: { workspaceId: user.workspaceId, sessionId: session.id, name: "Ada Lovelace", email: "ada@example.test" } });
    await h.t.db.registration.create({
      data: { workspaceId: user.workspaceId, sessionId: session.id, name: "Grace Hopper", email: "grace.hopper@example.test", phone: "+1 555", company: "Navy" },
    });
    await h.t.db.registration.create({ data: { workspaceId: user.workspaceId, sessionId: session.id, name: "Unpaid", email: "unpaid@example.test", paymentStatus: "pending" } });

    const report = await syncWebinarsToOdoo(user.workspaceId, options(user));
    expect(report).toMatchObject({ status: "completed", total: 3, successful: 3, failed: 0, counts: { created: 3 } });

    const [event] = h.fakes.odoo.records("event.event");
    const [tag] = h.fakes.odoo.records("event.tag");
    expect(tag).toMatchObject({ name: "Webinar", category_id: h.fakes.odoo.records("event.tag.category")[0]!.id });
    expect(event).toMatchObject({
      name: "Automation for SMEs",
      date_begin: "2026-12-10 16:00:00",
      date_end: "2026-12-10 17:30:00",
      date_tz: "UTC",
      seats_limited: true,
      seats_max: 30,
      is_published: true,
      event_url: "https://webinar.example.com/automation",
      tag_ids: [tag!.id],
    });
    expect(event!.description).toBe("<p>Line one<br>&lt;b&gt;bold&lt;/b&gt; claims</p>");

    const registrations = h.fakes.odoo.records("event.registration");
    expect(registrations.map((r) => [r.email, r.event_id])).toEqual([
      ["ada@example.test", event!.id],
      ["grace.hopper@example.test", event!.id],
    ]);
    // Ada's partner was found by email (case-insensitively); Grace's was created.
    expect(registrations[0]!.partner_id).toBe(known);
    const partners = h.fakes.odoo.records("res.partner");
    expect(partners).toHaveLength(3);
    expect(partners[2]).toMatchObject({ name: "Grace Hopper", email: "grace.hopper@example.test", phone: "+1 555", company_name: "Navy" });
    expect(registrations[1]!.partner_id).toBe(partners[2]!.id);

    expect(await h.t.db.webinarSession.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({ odooEventId: event!.id });
    expect(await h.t.db.registration.count({ where: { odooRegistrationId: { not: null } } })).toBe(2);

    // Nothing changed: nothing to do, nothing duplicated.
    expect(await syncWebinarsToOdoo(user.workspaceId, options(user))).toMatchObject({ total: 0, message: "Odoo is up to date" });
    expect(h.fakes.odoo.records("event.event")).toHaveLength(1);
    expect(h.fakes.odoo.records("event.registration")).toHaveLength(2);
  });

  it("writes changes to the existing event and cancels cancelled registrations", async () => {
    const user = await connectOdoo();
    const session = await webinar(user);
    const registration = await h.t.db.registration.create({ data: { workspaceId: user.workspaceId, sessionId: session.id, name: "Ada", email: "ada@example.test" } });
    await syncWebinarsToOdoo(user.workspaceId, options(user));

    await h.t.db.webinarSession.update({ where: { id: session.id }, data: { title: "Automation for SMEs (updated)", capacity: null } });
    await h.t.db.registration.update({ where: { id: registration.id }, data: { status: "cancelled" } });
    const report = await syncWebinarsToOdoo(user.workspaceId, options(user));
    expect(report).toMatchObject({ total: 2, successful: 2, counts: { updated: 1, cancelled: 1 } });
    expect(h.fakes.odoo.records("event.event")).toEqual([expect.objectContaining({ name: "Automation for SMEs (updated)", seats_limited: false })]);
    expect(h.fakes.odoo.records("event.registration")).toEqual([expect.objectContaining({ state: "cancel" })]);
  });

  it("adopts the event a crashed run created instead of creating it again", async () => {
    const user = await connectOdoo();
    await webinar(user);
    h.fakes.odoo.crashAfterCreates("event.event", 1);
    const crashed = await syncWebinarsToOdoo(user.workspaceId, options(user));
    expect(crashed).toMatchObject({ status: "failed", failed: 1 });
    h.fakes.odoo.recover();
    const rerun = await syncWebinarsToOdoo(user.workspaceId, options(user));
    expect(rerun).toMatchObject({ status: "completed", successful: 1, counts: { updated: 1 } });
    expect(h.fakes.odoo.records("event.event")).toHaveLength(1);
  });
});

describe("webinar topics from Odoo products", () => {
  it("creates topics for the products of the Webinars category (and its subcategories), then updates changed ones", async () => {
    const user = await connectOdoo();
    const webinars = h.fakes.odoo.insert("product.category", { name: "Webinars" });
    const advanced = h.fakes.odoo.insert("product.category", { name: "Advanced", parent_id: webinars });
    const other = h.fakes.odoo.insert("product.category", { name: "Hardware" });
    const eur = h.fakes.odoo.insert("res.currency", { name: "EUR" });
    const intro = h.fakes.odoo.insert("product.template", { name: "Intro to automation", description_sale: "Two hours", list_price: 49, categ_id: webinars, currency_id: eur });
    h.fakes.odoo.insert("product.template", { name: "Deep dive", description_sale: false, list_price: 149.5, categ_id: advanced, currency_id: eur });
    h.fakes.odoo.insert("product.template", { name: "Router", list_price: 10, categ_id: other, currency_id: eur });

    const first = await importWebinarTopics(user.workspaceId, options(user));
    expect(first).toMatchObject({ status: "completed", total: 2, successful: 2, counts: { created: 2 } });
    const topics = await h.t.db.webinarTopic.findMany({ orderBy: { title: "asc" } });
    expect(topics.map((t) => [t.title, t.description, t.defaultPriceMinor, t.currency])).toEqual([
      ["Deep dive", null, 14950, "eur"],
      ["Intro to automation", "Two hours", 4900, "eur"],
    ]);

    h.fakes.odoo.records("product.template").find((p) => p.id === intro)!.list_price = 59;
    const second = await importWebinarTopics(user.workspaceId, options(user));
    expect(second).toMatchObject({ counts: { updated: 1, unchanged: 1 } });
    expect((await h.t.db.webinarTopic.findFirstOrThrow({ where: { odooProductId: intro } })).defaultPriceMinor).toBe(5900);
    expect(await h.t.db.webinarTopic.count()).toBe(2);
  });

  it("says so when Odoo has no Webinars category", async () => {
    const user = await connectOdoo();
    expect(await importWebinarTopics(user.workspaceId, options(user))).toMatchObject({
      status: "completed",
      total: 0,
      message: expect.stringMatching(/no product category named “Webinars”/),
    });
  });
});
