// POST /api/storage/uploads {name, size, contentType, purpose?, connectionId?} — a signed form for
// one browser upload straight to the bucket; confirm it afterwards with POST …/uploads/[id]/complete.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { directUploadSchema, startDirectUpload } from "@/lib/storage/direct";

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await startDirectUpload(user, await readJson(request, directUploadSchema)), 201);
});
