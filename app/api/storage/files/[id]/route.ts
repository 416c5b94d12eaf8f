// GET    /api/storage/files/[id] — one stored file's record.
// DELETE /api/storage/files/[id] — deletes it from the bucket, then its record.
import { requireUser } from "@/lib/auth/session";
import { ApiError, handle, json, validate } from "@/lib/http/api";
import { deleteFiles, fileIdSchema, fileView, findFile } from "@/lib/storage/files";

type Context = { params: Promise<{ id: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  return json({ file: fileView(await findFile(user.workspaceId, validate(fileIdSchema, (await params).id))) });
});

export const DELETE = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const id = validate(fileIdSchema, (await params).id);
  const outcome = await deleteFiles(user, [id]);
  const failure = outcome.failed[0];
  if (failure) throw new ApiError(failure.message.startsWith("No such file") ? 404 : 502, failure.message);
  return json({ deleted: id });
});
