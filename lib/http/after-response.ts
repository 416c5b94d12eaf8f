// Work that runs once the answer has gone out (Next's `after()`, which also keeps a serverless
// function alive until the work is done). Outside a Next request — CLIs, scripts, tests — there is
// no "after", and the caller says what happens instead:
//   "await":  run it now and wait (the caller's result depends on it having run);
//   "detach": start it now without waiting;
//   "skip":   leave it to the cron job that picks up the same work.
// Called from inside after-work (the response has already gone), Next starts the task at once, not
// once the caller's transaction has committed: work that needs the commit waits for it with
// lib/db/after-commit.ts.
import { after } from "next/server";
import { logger } from "@/lib/log";

export type OutsideRequest = "await" | "detach" | "skip";

export async function afterResponse(task: () => Promise<unknown>, outside: OutsideRequest = "await", what = "after-response work"): Promise<void> {
  const guarded = async () => {
    try {
      await task();
    } catch (error) {
      // The work is durable (rows in the database); its cron job retries it.
      logger.warn(`${what} failed; its scheduled job will pick it up`, { error });
    }
  };
  try {
    after(guarded);
    return;
  } catch {
    // Not inside a request.
  }
  if (outside === "await") await guarded();
  else if (outside === "detach") void guarded();
}
