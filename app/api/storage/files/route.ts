// GET  /api/storage/files?q&purpose&prefix&cursor&limit — the workspace's stored files, newest first, with the usage total.
// POST /api/storage/files?purpose&connectionId — multipart form; each file streamed into the bucket (never buffered whole).
//      The proxy skips this route (see proxy.ts): it would hold the whole body in memory. requireUser does its checks here.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readQuery } from "@/lib/http/api";
import { listFiles, listQuerySchema } from "@/lib/storage/files";
import { uploadFromForm, uploadQuerySchema } from "@/lib/storage/upload";

export const GET = handle(async (request) => {
  const user = await requireUser(request);
  return json(await listFiles(user.workspaceId, readQuery(request, listQuerySchema)));
});

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  const query = readQuery(request, uploadQuerySchema);
  return json({ files: await uploadFromForm(user, request, query) }, 201);
});
