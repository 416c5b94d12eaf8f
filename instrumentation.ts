// Runs once when a server instance starts (next start, next dev, each serverless cold start).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startupChecks } = await import("@/lib/startup");
  await startupChecks();
  // Off Vercel the server runs the scheduled jobs itself (SCHEDULER); once per process, although
  // the development server may call register again.
  const { JobScheduler, schedulerEnabled } = await import("@/lib/jobs/scheduler");
  const holder = globalThis as { plugboardScheduler?: InstanceType<typeof JobScheduler> };
  if (schedulerEnabled() && !holder.plugboardScheduler) {
    holder.plugboardScheduler = new JobScheduler();
    holder.plugboardScheduler.start();
  }
}
