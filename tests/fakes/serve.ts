// Starts the fake Stripe, SendGrid and OAuth providers on fixed ports for the browser test and the benchmarks:
//
//   FAKE_STRIPE_PORT=12111 FAKE_SENDGRID_PORT=12112 FAKE_OAUTH_PORT=12113 node_modules/.bin/tsx tests/fakes/serve.ts
//
// then run the app with STRIPE_API_BASE=http://127.0.0.1:12111,
// SENDGRID_API_BASE=http://127.0.0.1:12112, the OAuth settings it prints (fakeOAuthEnv in
// tests/fakes/oauth.ts), and NO_PROXY=127.0.0.1,localhost.
//
// Accepted keys (anything else is refused the way the real provider refuses it):
//   Stripe   sk_test_PlugboardValidKey000000000001   test mode, USD + EUR balance
//            sk_live_PlugboardValidKey000000000001   live mode
//            sk_test_plugboard_valid                 same as the first, short to type
//            rk_test_PlugboardRestricted0000000001   restricted key that may read the balance
//            rk_test_PlugboardNoBalance00000000001   restricted key without it → 403
//            sk_test_PlugboardWrongKey000000000009   (or any other key) → 401 Invalid API Key
//   SendGrid SG.PlugboardValid000000001.FakeSecretForTestsOnly0000000000000000000001      mail.send + user.email.read
//            SG.PlugboardSendOnly0000001.FakeSecretForTestsOnly0000000000000000000002     mail.send only
//            SG.PlugboardNoMailSend00001.FakeSecretForTestsOnly0000000000000000000003     no mail.send → test fails
//            SG.PlugboardWrongKey0000001.FakeSecretForTestsOnly0000000000000000000009     (or any other) → 401
//   Stripe webhook signing secret for forms: whsec_PlugboardWebhookSecret000001
//
// Ports default to 12111 / 12112; 0 picks a free one. Stops on SIGINT/SIGTERM.
import { pathToFileURL } from "node:url";
import { startFakeOAuth, type FakeOAuth } from "@/tests/fakes/oauth";
import { startFakeSendGrid, type FakeSendGrid } from "@/tests/fakes/sendgrid";
import { startFakeStripe, type FakeStripe } from "@/tests/fakes/stripe";

export { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
export { STRIPE_KEYS } from "@/tests/fakes/stripe";

export interface FakeProviders {
  stripe: FakeStripe;
  sendgrid: FakeSendGrid;
  /** Google, Microsoft, Mailchimp, LinkedIn and X authorization servers (with the test OAuth apps). */
  oauth: FakeOAuth;
  /** The environment that points the app at these fakes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Invalid port: ${value}`);
  return n;
}

export async function startFakeProviders(options: { stripePort?: number; sendgridPort?: number; oauthPort?: number } = {}): Promise<FakeProviders> {
  const stripe = await startFakeStripe({ port: options.stripePort ?? port(process.env.FAKE_STRIPE_PORT, 12111) });
  const sendgrid = await startFakeSendGrid({ port: options.sendgridPort ?? port(process.env.FAKE_SENDGRID_PORT, 12112) }).catch(async (e) => {
    await stripe.close();
    throw e;
  });
  const oauth = await startFakeOAuth({ port: options.oauthPort ?? port(process.env.FAKE_OAUTH_PORT, 12113) }).catch(async (e) => {
    await Promise.all([stripe.close(), sendgrid.close()]);
    throw e;
  });
  return {
    stripe,
    sendgrid,
    oauth,
    env: { STRIPE_API_BASE: stripe.url, SENDGRID_API_BASE: sendgrid.url, ...oauth.env, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
    async close() {
      await Promise.all([stripe.close(), sendgrid.close(), oauth.close()]);
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const fakes = await startFakeProviders();
  process.stdout.write(`fake stripe   ${fakes.stripe.url}\nfake sendgrid ${fakes.sendgrid.url}\nfake oauth    ${fakes.oauth.url}\n`);
  for (const [name, value] of Object.entries(fakes.oauth.env)) process.stdout.write(`${name}=${value}\n`);
  const stop = () => {
    fakes.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
