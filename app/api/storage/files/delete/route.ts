// POST /api/storage/files/delete {ids} — deletes up to 1000 files; answers which were deleted and which were not, and why.
import { requireUser } from "@/lib/auth/session";
import { handle, json, readJson } from "@/lib/http/api";
import { deleteFiles, deleteManySchema } from "@/lib/storage/files";

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  const { ids } = await readJson(request, deleteManySchema);
  return json(await deleteFiles(user, ids));
});
