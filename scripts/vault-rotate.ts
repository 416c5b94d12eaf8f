// `npm run vault:rotate`: re-encrypts every stored credential with TOKEN_ENCRYPTION_KEY.
// Move the old key to TOKEN_ENCRYPTION_KEYS_PREVIOUS first; remove it once this reports no failures.
import { runCli } from "@/lib/db/cli";
import { rotateAllCredentials } from "@/lib/vault";

await runCli(async ({ db }) => {
  const report = await rotateAllCredentials(db);
  console.log(JSON.stringify(report, null, 2));
  if (report.failed.length) throw new Error(`${report.failed.length} credential(s) could not be re-encrypted; see above`);
});
