// `npm run vault:rotate`: re-encrypts every stored credential (and every outgoing webhook
// endpoint's secret, and every inbound webhook URL secret) with TOKEN_ENCRYPTION_KEY. Move the old key to TOKEN_ENCRYPTION_KEYS_PREVIOUS
// first; remove it once this reports no failures.
import { runCli } from "@/lib/db/cli";
import { rotateAllCredentials } from "@/lib/vault";
import { resealAllUrlSecrets } from "@/lib/webhooks-in/url-secrets";
import { resealAllEndpointSecrets } from "@/lib/webhooks-out/secrets";

await runCli(async ({ db }) => {
  const report = await rotateAllCredentials(db);
  const webhooks = await resealAllEndpointSecrets(db);
  const urlSecrets = await resealAllUrlSecrets(db);
  console.log(JSON.stringify({ ...report, webhookEndpoints: webhooks, inboundUrlSecrets: urlSecrets }, null, 2));
  if (report.failed.length) throw new Error(`${report.failed.length} credential(s) could not be re-encrypted; see above`);
  if (urlSecrets.failed.length) throw new Error(`${urlSecrets.failed.length} inbound webhook URL secret(s) could not be re-encrypted; see above`);
  if (webhooks.failed.length) throw new Error(`${webhooks.failed.length} webhook endpoint secret(s) could not be re-encrypted; see above`);
});
