// POST /api/calendar/batch — create (or move) up to CALENDAR_BATCH_MAX_ITEMS events in one job.
// DELETE /api/calendar/batch — delete by ids or by range. GET — the workspace's recent jobs.
// Jobs answer 202 at once and run after the answer; GET /api/calendar/batch/{jobId} shows progress.
import { after } from "next/server";
import { requireUser } from "@/lib/auth/session";
import { createBatchJob, createDeleteJob, deleteBatchSchema, listBatchJobs, postBatchSchema, runBatchJob } from "@/lib/calendar/batch";
import { config } from "@/lib/config";
import { handle, json, readJson } from "@/lib/http/api";
import { logger } from "@/lib/log";

function runAfterAnswer(jobId: string) {
  const run = async () => {
    try {
      await runBatchJob(jobId);
    } catch (error) {
      // The job stays resumable; the calendar-sync cron picks it up.
      logger.error("calendar batch job failed to run", { jobId, error });
    }
  };
  try {
    // Keeps a serverless function alive until the job is done.
    after(run);
  } catch {
    // Outside a Next request (route tests, scripts): just run it.
    void run();
  }
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
