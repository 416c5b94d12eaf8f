// Runs once when a server instance starts (next start, next dev, each serverless cold start).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startupChecks } = await import("@/lib/startup");
  await startupChecks();
  // Off Vercel the server runs the scheduled jobs itself (SCHEDULER); once per process, although
  // the development server may call register again.
  const { JobScheduler, schedulerEnabled } = await import("@/lib/jobs/scheduler");
  const holder = globalThis as { plugboardScheduler?: InstanceType<typeof JobScheduler> };
  // Not in the workers of `next build` (they may load this file too), which have no database.
  if (schedulerEnabled() && !holder.plugboardScheduler && process.env.NEXT_PHASE !== "phase-production-build") {
    holder.plugboardScheduler = new JobScheduler();
    holder.plugboardScheduler.start();
  }
}
