// Finding a workspace's endpoint and checking who may act on it — shared by the endpoint and
// delivery services.
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/api";
import type { Resolver, UrlPolicy } from "@/lib/http/url-rules";

/** Seams for tests: DNS, URL policy and clock (the routes use the defaults). */
export interface ServiceOptions {
  resolver?: Resolver;
  policy?: UrlPolicy;
  now?: () => Date;
}

export const ENDPOINT_SELECT = {
  id: true,
  workspaceId: true,
  name: true,
  url: true,
  events: true,
  headerNames: true,
  status: true,
  disabledReason: true,
  disabledAt: true,
  previousSecretExpiresAt: true,
  failingSince: true,
  createdAt: true,
  updatedAt: true,
  secretCiphertext: true,
  secretKeyId: true,
} as const;
export type EndpointRow = Prisma.WebhookEndpointGetPayload<{ select: typeof ENDPOINT_SELECT }>;

export function requireAdmin(user: SessionUser): void {
  // The routes already refuse viewers (requireUser); this keeps the library safe on its own.
  if (user.role !== "admin") throw new ApiError(403, "Your account is a viewer: ask an admin to make this change");
}

/** The endpoint if it is in the user's workspace, else a 404 (never a hint that it exists elsewhere). */
export async function findEndpoint(db: Db, user: SessionUser, id: string): Promise<EndpointRow> {
  const row = await db.webhookEndpoint.findFirst({ where: { id, workspaceId: user.workspaceId }, select: ENDPOINT_SELECT });
  if (!row) throw notFound("No webhook endpoint with this id in your workspace");
  return row;
}

/** 409 unless the endpoint is active, saying what to do. */
export function requireActive(row: Pick<EndpointRow, "status" | "disabledReason">, doing: string): void {
  if (row.status === "paused") throw new ApiError(409, `The endpoint is paused; resume it to ${doing}`);
  if (row.status === "disabled") throw new ApiError(409, `The endpoint is disabled (${row.disabledReason ?? "after failing"}); enable it to ${doing}`);
}
