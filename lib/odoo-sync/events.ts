// Webinars into Odoo Events: each session becomes an event.event (UTC dates, seats, published flag,
// online address, tag "Webinar"), each registration an event.registration whose partner is found
// by email or created. Like the lead export, every create looks in Odoo first (the event by title
// and start, the registration by event and email), so a rerun after a crash adopts what the
// crashed run created instead of duplicating it.
import { getDb } from "@/lib/db/client";
import { escapeHtml } from "@/lib/html";
import type { Registration, WebinarSession } from "@/lib/generated/prisma/client";
import { toCrmDatetime, type CrmModels, type CrmValues } from "@/lib/integrations/kit/ports/crm";
import { CrmConnection } from "@/lib/odoo-sync/connection";
import { isMissingReference, OdooLookups } from "@/lib/odoo-sync/lookups";
import { recordOutcome, withSyncRun, type SyncReport, type SyncTrigger } from "@/lib/odoo-sync/runs";
import type { CallOptions, CallResult } from "@/lib/pipeline";

export interface OdooSyncOptions {
  trigger: SyncTrigger;
  actor: string;
  now?: () => Date;
  callOptions?: CallOptions;
}

export const WEBINAR_EVENT_TAG = "Webinar";
const WEBINAR_TAG_CATEGORY = "Webinars";
const PAYABLE = ["not_required", "completed"] as const;

/** A value for Odoo's `=ilike`, which treats % and _ as wildcards. */
export function exactIlike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

export function eventValues(
  session: Pick<WebinarSession, "title" | "startsAt" | "durationMinutes" | "capacity" | "status" | "onlineUrl" | "description">,
  tagId: number,
): CrmValues {
  const end = new Date(session.startsAt.getTime() + session.durationMinutes * 60_000);
  return {
    name: session.title,
    date_begin: toCrmDatetime(session.startsAt),
    date_end: toCrmDatetime(end),
    date_tz: "UTC",
    seats_limited: session.capacity !== null,
    seats_max: session.capacity ?? 0,
    is_published: session.status === "scheduled",
    event_url: session.onlineUrl || false,
    description: session.description ? `<p>${escapeHtml(session.description).replace(/\n/g, "<br>")}</p>` : false,
    // Link (4) rather than replace: tags someone added in Odoo stay.
    tag_ids: [[4, tagId]],
  };
}

/** Odoo is behind when the session changed after its last push (or was never pushed). */
function sessionNeedsPush(s: WebinarSession): boolean {
  if (s.odooEventId === null) return s.status !== "draft" && s.status !== "cancelled";
  return s.odooSyncedAt === null || s.updatedAt > s.odooSyncedAt;
}

function registrationNeedsPush(r: Registration): boolean {
  if (r.odooRegistrationId === null) return r.status !== "cancelled" && (PAYABLE as readonly string[]).includes(r.paymentStatus);
  return r.status === "cancelled" && (r.odooSyncedAt === null || r.updatedAt > r.odooSyncedAt);
}

/** Pushes changed webinar sessions and their registrations to Odoo; answers the run's report. */
export async function syncWebinarsToOdoo(workspaceId: string, options: OdooSyncOptions): Promise<SyncReport> {
  const db = await getDb();
  const now = options.now ?? (() => new Date());
  const odoo = await CrmConnection.open(workspaceId, options.actor, options.callOptions);
  return withSyncRun(db, { workspaceId, connection: odoo.identity, kind: "events", trigger: options.trigger, actor: options.actor, now }, async (run, end) => {
    const allSessions = await db.webinarSession.findMany({ where: { workspaceId }, orderBy: { startsAt: "asc" } });
    const sessions = allSessions.filter(sessionNeedsPush);
    // Registrations of webinars that are not going to Odoo (drafts) wait until their webinar does.
    const bound = new Set([...sessions.map((s) => s.id), ...allSessions.filter((s) => s.odooEventId !== null).map((s) => s.id)]);
    const registrations = (await db.registration.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } })).filter(
      (r) => bound.has(r.sessionId) && registrationNeedsPush(r),
    );
    await run.setTotal(sessions.length + registrations.length);
    if (sessions.length + registrations.length === 0) return end("completed", "Odoo is up to date");

    const lookups = await OdooLookups.load(db, odoo);
    const tag = await lookups.resolve("event.tag", WEBINAR_EVENT_TAG, async (models) => ({
      category_id: await findOrCreateByName(models, "event.tag.category", WEBINAR_TAG_CATEGORY),
    }));
    if (!tag.ok) return end("failed", `Could not look up the event tag "${WEBINAR_EVENT_TAG}" in Odoo: ${tag.message}`);

    const eventIds = new Map<string, number>();
    for (const session of sessions) {
      const result = await pushSession(odoo, session, tag.value);
      if (result.ok) {
        const at = now();
        await db.webinarSession.update({ where: { id: session.id }, data: { odooEventId: result.value.id, odooSyncedAt: at, updatedAt: at } });
        eventIds.set(session.id, result.value.id);
        run.count(result.value.action);
      }
      const stop = await recordOutcome(run, result, { id: session.id, label: `Webinar “${session.title}”` });
      if (!result.ok && isMissingReference(result.message)) await lookups.forget();
      if (stop) return end("failed", stop);
    }

    const sessionEvents = new Map(
      (await db.webinarSession.findMany({ where: { workspaceId, odooEventId: { not: null } }, select: { id: true, odooEventId: true } })).map((s) => [s.id, s.odooEventId!]),
    );
    for (const registration of registrations) {
      const eventId = eventIds.get(registration.sessionId) ?? sessionEvents.get(registration.sessionId);
      const label = `Registration of ${registration.email}`;
      if (eventId === undefined) {
        await run.failedItem({ id: registration.id, label, reason: "Its webinar is not in Odoo yet (a draft, or its push failed)", category: "validation" });
        continue;
      }
      const result = await pushRegistration(odoo, registration, eventId);
      if (result.ok) {
        const at = now();
        await db.registration.update({ where: { id: registration.id }, data: { odooRegistrationId: result.value.id, odooSyncedAt: at, updatedAt: at } });
        run.count(result.value.action);
      }
      const stop = await recordOutcome(run, result, { id: registration.id, label });
      if (stop) return end("failed", stop);
    }
    return end("completed", null);
  });
}

async function findOrCreateByName(models: CrmModels, model: string, name: string): Promise<number> {
  const [found] = await models.search(model, [["name", "=", name]], { limit: 1 });
  return found ?? models.create(model, { name });
}

type Pushed = { id: number; action: "created" | "updated" | "found" | "cancelled" };

function pushSession(odoo: CrmConnection, session: WebinarSession, tagId: number): Promise<CallResult<Pushed>> {
  const values = eventValues(session, tagId);
  return odoo.call(
    session.odooEventId === null ? "event.event.create" : "event.event.write",
    async (models) => {
      let id = session.odooEventId;
      if (id === null) {
        [id] = await models.search(
          "event.event",
          [
            ["name", "=", values.name as string],
            ["date_begin", "=", values.date_begin as string],
          ],
          { limit: 1 },
        );
        if (id === undefined) return { id: await models.create("event.event", values), action: "created" as const };
      }
      await models.write("event.event", [id], values);
      return { id, action: "updated" as const };
    },
    { retry: false },
  );
}

function pushRegistration(odoo: CrmConnection, registration: Registration, eventId: number): Promise<CallResult<Pushed>> {
  if (registration.odooRegistrationId !== null) {
    const id = registration.odooRegistrationId;
    return odoo.call("event.registration.write", async (models) => {
      await models.write("event.registration", [id], { state: "cancel" });
      return { id, action: "cancelled" as const };
    });
  }
  return odoo.call(
    "event.registration.create",
    async (models) => {
      const email = exactIlike(registration.email);
      const [existing] = await models.search(
        "event.registration",
        [
          ["event_id", "=", eventId],
          ["email", "=ilike", email],
        ],
        { limit: 1 },
      );
      if (existing !== undefined) return { id: existing, action: "found" as const };
      let [partnerId] = await models.search("res.partner", [["email", "=ilike", email]], { limit: 1 });
      partnerId ??= await models.create("res.partner", {
        name: registration.name,
        email: registration.email,
        phone: registration.phone || false,
        company_name: registration.company || false,
      });
      const id = await models.create("event.registration", {
        event_id: eventId,
        partner_id: partnerId,
        name: registration.name,
        email: registration.email,
        phone: registration.phone || false,
      });
      return { id, action: "created" as const };
    },
    { retry: false },
  );
}
