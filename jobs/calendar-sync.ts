// `npm run job:calendar-sync`: the same work as GET /api/cron/calendar-sync, from the command line.
import { runCli } from "@/lib/db/cli";
import { runScheduledCalendarWork } from "@/lib/calendar/scheduled";

await runCli(async () => {
  console.log(JSON.stringify(await runScheduledCalendarWork()));
});
