// Connects (or, with --remove, forgets) the fake Google Calendar and Outlook for the workspace of
// the given user, on the running app's embedded database — as the OAuth flow would leave them:
// a connected connection with its tokens sealed in the vault. --second-google adds another Google
// account (the fake Google answers it with the same calendars), as a second consent would.
//
//   tsx tests/e2e/seed-calendars.ts <email> [--remove | --second-google]
import { runCli } from "@/lib/db/cli";
import { storeCredential } from "@/lib/vault";
import { GOOGLE_TOKENS } from "@/tests/fakes/google-calendar";
import { GRAPH_TOKENS } from "@/tests/fakes/graph";

const [email, flag] = process.argv.slice(2);
if (!email) throw new Error("usage: seed-calendars.ts <email> [--remove | --second-google]");

await runCli(async ({ db }) => {
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  const providers = [
    ["google-calendar", GOOGLE_TOKENS.valid, "owner@plugboard.test"],
    ["outlook-calendar", GRAPH_TOKENS.valid, "owner@plugboard.test"],
  ] as const;
  if (flag === "--remove") {
    await db.connection.deleteMany({ where: { workspaceId: user.workspaceId, providerId: { in: providers.map((p) => p[0]) } } });
    console.log("removed");
    return;
  }
  const seeded = flag === "--second-google" ? ([["google-calendar", GOOGLE_TOKENS.valid, "second@plugboard.test"]] as const) : providers;
  for (const [providerId, accessToken, accountId] of seeded) {
    const data = { status: "connected" as const, authType: "oauth2" as const, accountLabel: accountId, needsReauth: false };
    const connection = await db.connection.upsert({
      where: { workspaceId_providerId_accountId: { workspaceId: user.workspaceId, providerId, accountId } },
      create: { workspaceId: user.workspaceId, providerId, accountId, ...data },
      update: data,
    });
    await storeCredential(db, { workspaceId: user.workspaceId, connectionId: connection.id }, { accessToken });
  }
  console.log("seeded");
});
