// GET /api/cron/<route> — every scheduled job of lib/jobs/registry.ts, for Vercel Cron (vercel.json)
// or any scheduler sending `Authorization: Bearer $CRON_SECRET`. Answers the job's JSON report.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { handle, json, notFound } from "@/lib/http/api";
import { requireCronSecret } from "@/lib/http/cron";
import { findJobByRoute, JOBS } from "@/lib/jobs/registry";
import { runJob } from "@/lib/jobs/runs";

export const dynamic = "force-dynamic";
// The longest a platform allows, for every job: a lead export or a token refresh over many
// connections can take minutes (the webhook run stops claiming after ~50 s on its own).
export const maxDuration = 300;

const routes = JOBS.map((job) => job.route);
const paramsSchema = z.object({ job: z.enum(routes as [string, ...string[]]) });

export const GET = handle<{ params: Promise<{ job: string }> }>(async (request, context) => {
  // The secret comes first, so that without it every path answers the same 401 and names no job.
  requireCronSecret(request);
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success)
    throw notFound(`No scheduled job at /api/cron/${String((await context.params).job).slice(0, 100)}; the cron routes are ${routes.map((r) => `/api/cron/${r}`).join(", ")}`);
  const job = findJobByRoute(params.data.job)!;
  // Recorded like every run (the Jobs page's history). A report is answered even when it says the
  // run failed; a run that threw has none: 500, the reason in the log and the run's record.
  const outcome = await runJob(job, { db: await getDb(), trigger: "cron" });
  if (outcome.ran && outcome.report === null && outcome.error) return json({ error: `The ${job.name} job failed; its reason is in the server log and the job's run history` }, 500);
  return json(outcome.ran ? outcome.report : null);
});
