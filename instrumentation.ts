// Runs once when a server instance starts (next start, next dev, each serverless cold start).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startupChecks } = await import("@/lib/startup");
  await startupChecks();
}
