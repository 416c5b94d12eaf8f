// The scheduled calendar work shared by GET /api/cron/calendar-sync and `npm run job:calendar-sync`:
// resume batch jobs whose runner stopped, then sync every connected calendar.
import { resumeStaleBatchJobs } from "@/lib/calendar/batch";
import { syncAllCalendars } from "@/lib/calendar/sync";

export async function runScheduledCalendarWork(): Promise<{ batchJobsResumed: number; connections: number; failed: number; durationMs: number }> {
  const started = Date.now();
  const { resumed } = await resumeStaleBatchJobs();
  const sync = await syncAllCalendars("cron");
  return { batchJobsResumed: resumed, connections: sync.connections, failed: sync.failed, durationMs: Date.now() - started };
}
