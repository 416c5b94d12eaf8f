import { requireUser } from "@/lib/auth/session";
import { sendTestEmail, testEmailBodySchema } from "@/lib/email/dashboard";
import { handle, json, readJson } from "@/lib/http/api";

export const dynamic = "force-dynamic";

/** Sends a template with example values to the admin (or `to`); a failed send is an answer, not an error. */
export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await sendTestEmail(user, await readJson(request, testEmailBodySchema)));
});
