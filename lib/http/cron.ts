// Cron routes are called by Vercel Cron (or any scheduler) with `Authorization: Bearer $CRON_SECRET`.
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/http/api";

export function requireCronSecret(request: Request): void {
  const secret = config().CRON_SECRET;
  if (!secret) throw new ApiError(401, "CRON_SECRET is not configured on the server; cron routes are disabled until it is");
  const header = request.headers.get("authorization") ?? "";
  const given = header.startsWith("Bearer ") ? header.slice(7) : "";
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(secret).digest();
  if (!given || !crypto.timingSafeEqual(a, b)) throw new ApiError(401, "Missing or wrong cron secret (Authorization: Bearer $CRON_SECRET)");
}
