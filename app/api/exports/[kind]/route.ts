// POST /api/exports/[kind]?providerId&outcome&errorCategory&from&to — the activity log or the leads
// as CSV. With storage connected: stored under exports/ and answered with a signed link (JSON).
// Without: the CSV itself, as a download, with X-Plugboard-Not-Stored saying why.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readQuery, validate } from "@/lib/http/api";
import { exportCsv, exportFiltersSchema, exportKindSchema } from "@/lib/storage/exports";
import { attachmentDisposition } from "@/lib/integrations/kit/content-disposition";

type Context = { params: Promise<{ kind: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const kind = validate(exportKindSchema, (await params).kind);
  const outcome = await exportCsv(user, kind, readQuery(request, exportFiltersSchema));
  if (outcome.stored) return json({ stored: true, file: outcome.file, url: outcome.url, expiresAt: outcome.expiresAt }, 201);
  return new Response(outcome.body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": attachmentDisposition(outcome.fileName),
      "cache-control": "no-store",
      "x-plugboard-not-stored": outcome.reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 300),
    },
  });
});
