import { requireUser } from "@/lib/auth/session";
import { previewQuerySchema, previewTemplate } from "@/lib/email/dashboard";
import { handle, json, readQuery } from "@/lib/http/api";

export const dynamic = "force-dynamic";

/** GET /api/email/preview?template=webinar_reminder&language=de: subject, HTML and text with example values. */
export const GET = handle(async (request) => {
  await requireUser(request);
  const { template, language } = readQuery(request, previewQuerySchema);
  return json(previewTemplate(template, language));
});
