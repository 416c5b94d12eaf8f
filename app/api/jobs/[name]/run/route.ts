// POST /api/jobs/<name>/run — admins: runs the job now, after the answer (202); 409 while a run of
// it is going on, 404 for a name that is not a job. The Jobs page polls GET /api/jobs meanwhile.
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { handle, json } from "@/lib/http/api";
import { jobFromParams, startJobNow } from "@/lib/jobs/overview";

export const dynamic = "force-dynamic";
// The run happens after the answer, inside this function's lifetime on serverless platforms.
export const maxDuration = 300;

export const POST = handle<{ params: Promise<{ name: string }> }>(async (request, context) => {
  await requireUser(request);
  const job = jobFromParams(await context.params);
  await startJobNow(await getDb(), job);
  return json({ started: true }, 202);
});
