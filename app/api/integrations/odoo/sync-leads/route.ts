import { syncRouteHandlers } from "@/lib/odoo-sync/routes";

export const dynamic = "force-dynamic";

const handlers = syncRouteHandlers("leads");
/** The run in progress (done / total) and the recent runs with their reports. */
export const GET = handlers.GET;
/** Runs the sync now and answers its report (processed / successful / failed with reasons). */
export const POST = handlers.POST;
