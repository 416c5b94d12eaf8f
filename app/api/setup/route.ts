import { completeSetup, setupIsOpen, setupSchema } from "@/lib/auth/setup";
import { getDb } from "@/lib/db/client";
import { ApiError, handle, json, readJson } from "@/lib/http/api";
import { crossSiteProblem } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

export const GET = handle(async () => {
  const db = await getDb();
  return json({ open: await setupIsOpen(db) });
});

export const POST = handle(async (request) => {
  // Public (there is no admin yet), so the proxy's cross-site check is repeated here.
  const crossSite = crossSiteProblem(request);
  if (crossSite) throw new ApiError(403, crossSite);
  const db = await getDb();
  if (!(await setupIsOpen(db))) throw new ApiError(410, "Setup is closed: an admin already exists. Sign in instead.");
  const input = await readJson(request, setupSchema);
  const created = await completeSetup(db, input);
  return json({ ok: true, email: created.email }, 201);
});
