// The activity log: one row per provider call (written by the pipeline), paged newest first,
// always within the caller's workspace.
import { z } from "zod";
import { getDb, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CallOutcome, ErrorCategory } from "@/lib/generated/prisma/enums";
import { ERROR_CATEGORIES } from "@/lib/integrations/kit/errors";

export const ACTIVITY_MAX_PAGE_SIZE = 100;
export const ACTIVITY_DEFAULT_PAGE_SIZE = 25;

// Query strings arrive as strings; an empty value (a cleared filter) means "no filter".
const blank = (v: unknown) => (v === "" ? undefined : v);
const DAY_MS = 86_400_000;
// A bare date as `to` means "through the end of that day" (UTC), so from=to=2026-11-21 is one day.
const dateParam = (name: "from" | "to") =>
  z.preprocess(
    blank,
    z
      .string()
      .refine((v) => !Number.isNaN(Date.parse(v)), `${name} must be a date or date-time, e.g. 2026-11-21 or 2026-11-21T10:00:00Z`)
      .transform((v) => (name === "to" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(Date.parse(v) + DAY_MS - 1) : new Date(v)))
      .optional(),
  );

export const activityQuerySchema = z
  .object({
    page: z.preprocess(blank, z.coerce.number().int("page must be a whole number").min(1, "page starts at 1").max(100_000).default(1)),
    pageSize: z.preprocess(
      blank,
      z.coerce
        .number()
        .int("pageSize must be a whole number")
        .min(1, "pageSize must be at least 1")
        .max(ACTIVITY_MAX_PAGE_SIZE, `pageSize is at most ${ACTIVITY_MAX_PAGE_SIZE}`)
        .default(ACTIVITY_DEFAULT_PAGE_SIZE),
    ),
    providerId: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "providerId is a provider id such as stripe")
        .optional(),
    ),
    outcome: z.preprocess(blank, z.enum(["success", "failure", "short_circuit"], "outcome is one of success, failure, short_circuit").optional()),
    errorCategory: z.preprocess(blank, z.enum(ERROR_CATEGORIES as [string, ...string[]], `errorCategory is one of ${ERROR_CATEGORIES.join(", ")}`).optional()),
    from: dateParam("from"),
    to: dateParam("to"),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });

export type ActivityQuery = z.infer<typeof activityQuerySchema>;

export interface ActivityItem {
  id: string;
  providerId: string;
  connectionId: string | null;
  operation: string;
  outcome: CallOutcome;
  errorCategory: ErrorCategory | null;
  durationMs: number;
  attempts: number;
  statusCode: number | null;
  message: string | null;
  actor: string | null;
  createdAt: string;
}

export interface ActivityPage {
  items: ActivityItem[];
  page: number;
  pageSize: number;
  total: number;
}

export async function listActivity(workspaceId: string, query: ActivityQuery, db?: Db): Promise<ActivityPage> {
  const client = db ?? (await getDb());
  const where: Prisma.IntegrationActivityWhereInput = {
    workspaceId,
    ...(query.providerId ? { providerId: query.providerId } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.errorCategory ? { errorCategory: query.errorCategory as Prisma.IntegrationActivityWhereInput["errorCategory"] } : {}),
    ...(query.from || query.to ? { createdAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } } : {}),
  };
  const [rows, total] = await Promise.all([
    client.integrationActivity.findMany({
      where,
      // id breaks ties between rows written in the same millisecond, so pages never overlap.
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    client.integrationActivity.count({ where }),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      providerId: r.providerId,
      connectionId: r.connectionId,
      operation: r.operation,
      outcome: r.outcome,
      errorCategory: r.errorCategory,
      durationMs: r.durationMs,
      attempts: r.attempts,
      statusCode: r.statusCode,
      message: r.message,
      actor: r.actor,
      createdAt: r.createdAt.toISOString(),
    })),
    page: query.page,
    pageSize: query.pageSize,
    total,
  };
}
