// GET /api/calendar/batch/[jobId] — a batch job's progress: done/total, failures.
import { requireUser } from "@/lib/auth/session";
import { getBatchJob } from "@/lib/calendar/batch";
import { handle, json } from "@/lib/http/api";

type Context = { params: Promise<{ jobId: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  return json(await getBatchJob(user.workspaceId, (await params).jobId));
});
