// POST /api/calendar/batch — create (or move) up to CALENDAR_BATCH_MAX_ITEMS events in one job.
// DELETE /api/calendar/batch — delete by ids or by range. GET — the workspace's recent jobs.
// Jobs answer 202 at once and run after the answer; GET /api/calendar/batch/{jobId} shows progress.
import { requireUser } from "@/lib/auth/session";
import { createBatchJob, createDeleteJob, deleteBatchSchema, listBatchJobs, postBatchSchema, runBatchJob } from "@/lib/calendar/batch";
import { config } from "@/lib/config";
import { afterResponse } from "@/lib/http/after-response";
import { handle, json, readJson } from "@/lib/http/api";

/** Runs the job after the answer; outside a Next request (route tests, scripts) it starts at once. */
function runAfterAnswer(jobId: string) {
  // A job that fails stays resumable; the calendar-sync cron picks it up.
  void afterResponse(() => runBatchJob(jobId), "detach", "calendar batch job");
}

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json({ jobs: await listBatchJobs(user.workspaceId) });
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  const input = await readJson(request, postBatchSchema, { limitBytes: config().CALENDAR_BATCH_BODY_LIMIT_BYTES });
  const job = await createBatchJob(user, input);
  if (job.status === "queued") runAfterAnswer(job.id);
  return json(job, 202);
});

export const DELETE = handle(async (request) => {
  const user = await requireUser(request);
  const input = await readJson(request, deleteBatchSchema, { limitBytes: config().CALENDAR_BATCH_BODY_LIMIT_BYTES });
  const job = await createDeleteJob(user, input);
  if (job.status === "queued") runAfterAnswer(job.id);
  return json(job, 202);
});
