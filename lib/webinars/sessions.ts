// Webinar sessions and topics: create and list, scoped to the workspace.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { WebinarSession, WebinarTopic } from "@/lib/generated/prisma/client";
import { notFound } from "@/lib/http/api";
import { optionalHttpUrl, optionalText } from "@/lib/validation";

/** draft: not announced (not pushed to Odoo); scheduled: published; cancelled; completed. */
export const SESSION_STATUSES = ["draft", "scheduled", "cancelled", "completed"] as const;

export const sessionInputSchema = z.strictObject({
  title: z.string({ error: "Enter a title" }).trim().min(1, "Enter a title").max(200, "Keep the title under 200 characters"),
  description: optionalText(5000),
  startsAt: z.iso.datetime({ offset: true, error: "startsAt must be an ISO date and time with a time zone, e.g. 2026-12-10T16:00:00Z" }).transform((v) => new Date(v)),
  durationMinutes: z
    .number({ error: "durationMinutes must be a number" })
    .int()
    .min(5, "A webinar lasts at least 5 minutes")
    .max(1440, "A webinar lasts at most a day")
    .default(60),
  capacity: z
    .number({ error: "capacity must be a number" })
    .int()
    .min(1, "capacity is at least 1")
    .max(100_000)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  status: z.enum(SESSION_STATUSES, { error: `status is one of ${SESSION_STATUSES.join(", ")}` }).default("scheduled"),
  onlineUrl: optionalHttpUrl("onlineUrl must be an http(s) address"),
  priceMinor: z
    .number({ error: "priceMinor must be a number" })
    .int()
    .min(0)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/, "currency is a three-letter code such as eur")
    .default("eur"),
  topicId: z
    .string()
    .trim()
    .min(1)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});
export type SessionInput = z.infer<typeof sessionInputSchema>;

export interface SessionView {
  id: string;
  title: string;
  description: string | null;
  startsAt: string;
  durationMinutes: number;
  capacity: number | null;
  status: string;
  onlineUrl: string | null;
  priceMinor: number | null;
  currency: string;
  topic: { id: string; title: string } | null;
  odooEventId: number | null;
  odooSyncedAt: string | null;
  registered: number;
}

type SessionRow = WebinarSession & { topic: Pick<WebinarTopic, "id" | "title"> | null; _count: { registrations: number } };

function sessionView(s: SessionRow): SessionView {
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    startsAt: s.startsAt.toISOString(),
    durationMinutes: s.durationMinutes,
    capacity: s.capacity,
    status: s.status,
    onlineUrl: s.onlineUrl,
    priceMinor: s.priceMinor,
    currency: s.currency,
    topic: s.topic,
    odooEventId: s.odooEventId,
    odooSyncedAt: s.odooSyncedAt?.toISOString() ?? null,
    registered: s._count.registrations,
  };
}

const INCLUDE = { topic: { select: { id: true, title: true } }, _count: { select: { registrations: { where: { status: { not: "cancelled" as const } } } } } };

export async function createSession(workspaceId: string, input: SessionInput): Promise<SessionView> {
  const db = await getDb();
  if (input.topicId && !(await db.webinarTopic.findFirst({ where: { id: input.topicId, workspaceId }, select: { id: true } }))) {
    throw notFound("No webinar topic with this topicId in this workspace");
  }
  return sessionView(await db.webinarSession.create({ data: { workspaceId, ...input }, include: INCLUDE }));
}

export async function listSessions(workspaceId: string): Promise<SessionView[]> {
  const db = await getDb();
  const rows = await db.webinarSession.findMany({ where: { workspaceId }, orderBy: { startsAt: "desc" }, take: 200, include: INCLUDE });
  return rows.map(sessionView);
}

export interface TopicView {
  id: string;
  title: string;
  description: string | null;
  defaultPriceMinor: number | null;
  currency: string;
  odooProductId: number | null;
  odooSyncedAt: string | null;
  sessions: number;
}

export async function listTopics(workspaceId: string): Promise<TopicView[]> {
  const db = await getDb();
  const rows = await db.webinarTopic.findMany({ where: { workspaceId }, orderBy: { title: "asc" }, include: { _count: { select: { sessions: true } } } });
  return rows.map((t) => ({
    id: t.id,
    title: t.title,
    description: t.description,
    defaultPriceMinor: t.defaultPriceMinor,
    currency: t.currency,
    odooProductId: t.odooProductId,
    odooSyncedAt: t.odooSyncedAt?.toISOString() ?? null,
    sessions: t._count.sessions,
  }));
}
