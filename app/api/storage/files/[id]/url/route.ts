// GET /api/storage/files/[id]/url?expires=SECONDS — a signed download link (60 s to 7 days; default 1 hour).
import { requireUser } from "@/lib/auth/session";
import { handle, json, readQuery, validate } from "@/lib/http/api";
import { fileIdSchema, linkQuerySchema, signedLink } from "@/lib/storage/files";

type Context = { params: Promise<{ id: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const id = validate(fileIdSchema, (await params).id);
  const { expires } = readQuery(request, linkQuerySchema);
  return json(await signedLink(user, id, expires));
});
