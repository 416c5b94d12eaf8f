// GET /api/cron/inbound-webhooks — retries inbound webhook events whose processing failed (or never ran).
import { getDb } from "@/lib/db/client";
import { handle, json } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { retryInboundEvents } from "@/lib/webhooks-in/store";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  requireCronSecret(request);
  return json(await retryInboundEvents(await getDb()));
});
