import { requireUser } from "@/lib/auth/session";
import { templateCatalog } from "@/lib/email/dashboard";
import { handle, json } from "@/lib/http/api";

export const dynamic = "force-dynamic";

export const GET = handle(async (request) => {
  await requireUser(request);
  return json(templateCatalog());
});
