// POST /api/storage/uploads/[id]/complete — the browser's bytes are in the bucket: check them
// (size, and the first bytes against the declared type) and record the file.
import { requireUser } from "@/lib/auth/session";
import { handle, json, validate } from "@/lib/http/api";
import { completeDirectUpload } from "@/lib/storage/direct";
import { fileIdSchema } from "@/lib/storage/files";

type Context = { params: Promise<{ id: string }> };

export const POST = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  return json({ file: await completeDirectUpload(user, validate(fileIdSchema, (await params).id)) });
});
