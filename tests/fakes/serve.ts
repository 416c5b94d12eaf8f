// Starts the fake Stripe, SendGrid, Google Calendar and Microsoft Graph on fixed ports for the
// browser test and the benchmarks:
//
//   FAKE_STRIPE_PORT=12111 FAKE_SENDGRID_PORT=12112 node_modules/.bin/tsx tests/fakes/serve.ts
//
// then run the app with STRIPE_API_BASE=http://127.0.0.1:12111,
// SENDGRID_API_BASE=http://127.0.0.1:12112, GOOGLE_API_BASE=http://127.0.0.1:12117 and
// MICROSOFT_GRAPH_API_BASE=http://127.0.0.1:12118/v1.0 (and NO_PROXY=127.0.0.1,localhost).
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
//   Google Calendar access token ya29.PlugboardGoogleValidToken0000000001 (calendar owner@plugboard.test, Europe/Berlin)
//   Microsoft Graph access token eyJ0eXAiOiJKV1QifQ.PlugboardGraphValidToken.0000000001 (mailbox in W. Europe Standard Time)
//
// Ports default to 12111 / 12112 / 12117 (FAKE_GOOGLE_CALENDAR_PORT) / 12118 (FAKE_GRAPH_PORT);
// 0 picks a free one. Stops on SIGINT/SIGTERM.
import { pathToFileURL } from "node:url";
import { startFakeGoogleCalendar, type FakeGoogleCalendar } from "@/tests/fakes/google-calendar";
import { startFakeGraph, type FakeGraph } from "@/tests/fakes/graph";
import { startFakeSendGrid, type FakeSendGrid } from "@/tests/fakes/sendgrid";
import { startFakeStripe, type FakeStripe } from "@/tests/fakes/stripe";

export { GOOGLE_TOKENS } from "@/tests/fakes/google-calendar";
export { GRAPH_TOKENS } from "@/tests/fakes/graph";
export { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
export { STRIPE_KEYS } from "@/tests/fakes/stripe";

export interface FakeProviders {
  stripe: FakeStripe;
  sendgrid: FakeSendGrid;
  googleCalendar: FakeGoogleCalendar;
  graph: FakeGraph;
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

export async function startFakeProviders(
  options: { stripePort?: number; sendgridPort?: number; googleCalendarPort?: number; graphPort?: number } = {},
): Promise<FakeProviders> {
  const stripe = await startFakeStripe({ port: options.stripePort ?? port(process.env.FAKE_STRIPE_PORT, 12111) });
  const started: { close(): Promise<void> }[] = [stripe];
  const more = async <T extends { close(): Promise<void> }>(start: () => Promise<T>): Promise<T> => {
    try {
      const fake = await start();
      started.push(fake);
      return fake;
    } catch (e) {
      await Promise.all(started.map((f) => f.close()));
      throw e;
    }
  };
  const sendgrid = await more(() => startFakeSendGrid({ port: options.sendgridPort ?? port(process.env.FAKE_SENDGRID_PORT, 12112) }));
  const googleCalendar = await more(() => startFakeGoogleCalendar({ port: options.googleCalendarPort ?? port(process.env.FAKE_GOOGLE_CALENDAR_PORT, 12117) }));
  const graph = await more(() => startFakeGraph({ port: options.graphPort ?? port(process.env.FAKE_GRAPH_PORT, 12118) }));
  return {
    stripe,
    sendgrid,
    googleCalendar,
    graph,
    env: {
      STRIPE_API_BASE: stripe.url,
      SENDGRID_API_BASE: sendgrid.url,
      GOOGLE_API_BASE: googleCalendar.url,
      MICROSOFT_GRAPH_API_BASE: graph.baseUrl,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    },
    async close() {
      await Promise.all(started.map((f) => f.close()));
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const fakes = await startFakeProviders();
  process.stdout.write(
    `fake stripe          ${fakes.stripe.url}\nfake sendgrid        ${fakes.sendgrid.url}\nfake google calendar ${fakes.googleCalendar.url}\nfake graph           ${fakes.graph.baseUrl}\n`,
  );
  const stop = () => {
    fakes.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
