// The local mirror of provider events (CalendarEvent rows): what a provider event looks like as a
// row, and the figures the integration card shows.
import crypto from "node:crypto";
import type { ProviderEvent } from "@/lib/integrations/kit/ports/calendar";
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

type Tx = Db | Prisma.TransactionClient;

/** Columns that follow the provider's copy of an event. All-day events start at UTC midnight of their date. */
export function recordFields(event: ProviderEvent) {
  const startsAt = event.allDay ? new Date(`${event.startDate}T00:00:00Z`) : new Date(event.start);
  const endsAt = event.allDay ? new Date(`${event.endDate}T00:00:00Z`) : new Date(event.end);
  return {
    etag: event.etag,
    summary: event.title.slice(0, 500),
    startsAt,
    endsAt,
    allDay: event.allDay,
    timeZone: event.timeZone,
    status: event.status,
    meetingUrl: event.meetingUrl,
    providerUpdatedAt: event.updatedAt === null ? null : new Date(event.updatedAt),
  };
}

/** "N upcoming / M total" over a connection's live events, and the time it was counted. */
export async function usageFigures(db: Tx, connectionId: string, now = new Date()): Promise<{ upcoming: number; total: number; label: string }> {
  const live = { connectionId, status: { not: "cancelled" } };
  const [total, upcoming] = await Promise.all([db.calendarEvent.count({ where: live }), db.calendarEvent.count({ where: { ...live, endsAt: { gt: now } } })]);
  return { upcoming, total, label: `${upcoming} upcoming / ${total} total` };
}

/** Writes the usage figure onto the connection (the card's "Events" stat). */
export async function updateUsage(db: Tx, connectionId: string, extra: Prisma.ConnectionUpdateManyMutationInput = {}): Promise<string> {
  const { label } = await usageFigures(db, connectionId);
  await db.connection.updateMany({ where: { id: connectionId }, data: { usageLabel: "Events", usageValue: label, ...extra } });
  return label;
}

export interface EventRecord {
  workspaceId: string;
  connectionId: string;
  providerId: string;
  calendarId: string;
  providerEventId: string;
  localReference: string | null;
  source: "booking" | "batch" | "sync";
  batchJobId: string | null;
  fields: ReturnType<typeof recordFields>;
}

const timestamp = (d: Date | null) => (d ? Prisma.sql`${d.toISOString()}::timestamp(3)` : Prisma.sql`NULL`);

/**
 * Inserts event records, skipping ones that exist. Raw SQL on purpose: batch jobs insert hundreds
 * of rows per second, and Prisma's createMany spends more CPU compiling such a query than the
 * database spends running it.
 */
export function insertEventRecords(db: Tx, rows: EventRecord[]) {
  if (rows.length === 0) return Promise.resolve(0);
  const values = Prisma.join(
    rows.map(
      (r) => Prisma.sql`(${crypto.randomUUID()}, ${r.workspaceId}, ${r.connectionId}, ${r.providerId}, ${r.calendarId}, ${r.providerEventId}, ${r.fields.etag}, ${r.localReference},
        ${r.source}::"CalendarEventSource", ${r.batchJobId}, ${r.fields.summary}, ${timestamp(r.fields.startsAt)}, ${timestamp(r.fields.endsAt)}, ${r.fields.allDay},
        ${r.fields.timeZone}, ${r.fields.status}, ${r.fields.meetingUrl}, ${timestamp(r.fields.providerUpdatedAt)}, CURRENT_TIMESTAMP)`,
    ),
  );
  return db.$executeRaw`
    INSERT INTO "CalendarEvent" ("id", "workspaceId", "connectionId", "providerId", "calendarId", "providerEventId", "etag", "localReference",
      "source", "batchJobId", "summary", "startsAt", "endsAt", "allDay", "timeZone", "status", "meetingUrl", "providerUpdatedAt", "updatedAt")
    VALUES ${values}
    ON CONFLICT ("connectionId", "calendarId", "providerEventId") DO NOTHING`;
}
