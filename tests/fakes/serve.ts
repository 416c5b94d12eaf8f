// Starts every fake provider (Stripe, SendGrid, Odoo, SMTP, Twilio, Mailchimp, the OAuth servers,
// Google Calendar, Microsoft Graph) on fixed ports for the browser test and the benchmarks:
//
//   FAKE_STRIPE_PORT=12111 FAKE_SENDGRID_PORT=12112 FAKE_OAUTH_PORT=12117 node_modules/.bin/tsx tests/fakes/serve.ts
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
//   Twilio   account SID AC0123456789abcdef0123456789abcdef, auth token PlugboardTwilioToken000000000001,
//            sending number +14155550100 (TWILIO_API_BASE=http://127.0.0.1:12115)
//   Mailchimp API key PlugboardMailchimpKey00000000001-us21 or OAuth token PlugboardMailchimpOAuthToken0000000001
//            (MAILCHIMP_API_BASE=http://127.0.0.1:12116/3.0)
//   Odoo     a fake Odoo XML-RPC server (FAKE_ODOO_PORT, default 12113): database "plugboard",
//            login admin@plugboard.test, API key odoo-api-key-0123456789abcdef
//   SMTP     a real SMTP server (FAKE_SMTP_PORT, default 12114) without TLS: connect with security
//            "none", user mailer@plugboard.test, password "smtp password 0123456789"
//
//   Google Calendar access token ya29.PlugboardGoogleValidToken0000000001 (calendar owner@plugboard.test, Europe/Berlin)
//   S3       endpoint http://127.0.0.1:12121 (path-style), bucket plugboard-files in eu-central-1, access key
//            AKIAPLUGBOARDTEST001 / PlugboardFakeS3Secret/000000000000000000001 (S3_KEYS in tests/fakes/s3.ts)
//   Microsoft Graph access token eyJ0eXAiOiJKV1QifQ.PlugboardGraphValidToken.0000000001 (mailbox in W. Europe Standard Time)
//
// Ports default to 12111 (Stripe) / 12112 (SendGrid) / 12113 (Odoo) / 12114 (SMTP) / 12115 (Twilio) /
// 12116 (Mailchimp) / 12117 (OAuth) / 12118 (Google Calendar) / 12119 (Graph) / 12121 (S3); 0 picks a free one. Stops on SIGINT/SIGTERM.
import { pathToFileURL } from "node:url";
import { startFakeMailchimp, type FakeMailchimp } from "@/tests/fakes/mailchimp";
import { startFakeOdoo, type FakeOdoo } from "@/tests/fakes/odoo";
import { startFakeOAuth, type FakeOAuth } from "@/tests/fakes/oauth";
import { startFakeGoogleCalendar, type FakeGoogleCalendar } from "@/tests/fakes/google-calendar";
import { startFakeGraph, type FakeGraph } from "@/tests/fakes/graph";
import { startFakeSendGrid, type FakeSendGrid } from "@/tests/fakes/sendgrid";
import { startFakeSmtp, type FakeSmtp } from "@/tests/fakes/smtp";
import { startFakeStripe, type FakeStripe } from "@/tests/fakes/stripe";
import { startFakeTwilio, type FakeTwilio } from "@/tests/fakes/twilio";
import { S3_BUCKET, S3_REGION, startStandardFakeS3, type FakeS3 } from "@/tests/fakes/s3";

export { GOOGLE_TOKENS } from "@/tests/fakes/google-calendar";
export { GRAPH_TOKENS } from "@/tests/fakes/graph";
export { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
export { STRIPE_KEYS } from "@/tests/fakes/stripe";
export { ODOO_LOGIN } from "@/tests/fakes/odoo";
export { SMTP_LOGIN } from "@/tests/fakes/smtp";
export { TWILIO_ACCOUNT } from "@/tests/fakes/twilio";
export { MAILCHIMP_KEYS } from "@/tests/fakes/mailchimp";
export { S3_BUCKET, S3_KEYS, S3_REGION } from "@/tests/fakes/s3";

export interface FakeProviders {
  stripe: FakeStripe;
  sendgrid: FakeSendGrid;
  odoo: FakeOdoo;
  smtp: FakeSmtp;
  twilio: FakeTwilio;
  mailchimp: FakeMailchimp;
  /** Google, Microsoft, Mailchimp, LinkedIn and X authorization servers (with the test OAuth apps). */
  oauth: FakeOAuth;
  googleCalendar: FakeGoogleCalendar;
  graph: FakeGraph;
  /** S3-compatible storage: bucket S3_BUCKET in S3_REGION, keys S3_KEYS. */
  s3: FakeS3;
  /** The environment that points the app at these fakes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface FakePorts {
  stripePort?: number;
  sendgridPort?: number;
  odooPort?: number;
  smtpPort?: number;
  twilioPort?: number;
  mailchimpPort?: number;
  oauthPort?: number;
  googleCalendarPort?: number;
  graphPort?: number;
  s3Port?: number;
  /** Sites allowed to upload to the fake bucket from a browser (its CORS rules). */
  s3CorsOrigins?: string[];
}

/** Every fake on a free port the system picks: for tests, which must not collide with each other or a running app. */
export const ANY_FREE_PORTS: Required<FakePorts> = {
  stripePort: 0,
  sendgridPort: 0,
  odooPort: 0,
  smtpPort: 0,
  twilioPort: 0,
  mailchimpPort: 0,
  oauthPort: 0,
  googleCalendarPort: 0,
  graphPort: 0,
  s3Port: 0,
  s3CorsOrigins: [],
};

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Invalid port: ${value}`);
  return n;
}

export async function startFakeProviders(options: FakePorts = {}): Promise<FakeProviders> {
  // Started one after the other; if one cannot start, the ones already running are closed.
  const started: { close(): Promise<void> }[] = [];
  const start = async <T extends { close(): Promise<void> }>(make: () => Promise<T>): Promise<T> => {
    try {
      const fake = await make();
      started.push(fake);
      return fake;
    } catch (error) {
      await Promise.all(started.map((f) => f.close()));
      throw error;
    }
  };
  const stripe = await start(() => startFakeStripe({ port: options.stripePort ?? port(process.env.FAKE_STRIPE_PORT, 12111) }));
  const sendgrid = await start(() => startFakeSendGrid({ port: options.sendgridPort ?? port(process.env.FAKE_SENDGRID_PORT, 12112) }));
  const odoo = await start(() => startFakeOdoo({ port: options.odooPort ?? port(process.env.FAKE_ODOO_PORT, 12113) }));
  const smtp = await start(() => startFakeSmtp({ port: options.smtpPort ?? port(process.env.FAKE_SMTP_PORT, 12114) }));
  const twilio = await start(() => startFakeTwilio({ port: options.twilioPort ?? port(process.env.FAKE_TWILIO_PORT, 12115) }));
  const mailchimp = await start(() => startFakeMailchimp({ port: options.mailchimpPort ?? port(process.env.FAKE_MAILCHIMP_PORT, 12116) }));
  const oauth = await start(() => startFakeOAuth({ port: options.oauthPort ?? port(process.env.FAKE_OAUTH_PORT, 12117) }));
  // The calendar APIs also accept the OAuth fake's access tokens, with the scopes they were granted.
  const googleCalendar = await start(() => startFakeGoogleCalendar({ port: options.googleCalendarPort ?? port(process.env.FAKE_GOOGLE_CALENDAR_PORT, 12118), oauth }));
  const graph = await start(() => startFakeGraph({ port: options.graphPort ?? port(process.env.FAKE_GRAPH_PORT, 12119), oauth }));
  const s3 = await start(() =>
    startStandardFakeS3({
      port: options.s3Port ?? port(process.env.FAKE_S3_PORT, 12121),
      corsOrigins: options.s3CorsOrigins ?? ["http://localhost:3000", "http://127.0.0.1:3000"],
    }),
  );
  return {
    stripe,
    sendgrid,
    odoo,
    smtp,
    twilio,
    mailchimp,
    oauth,
    googleCalendar,
    graph,
    s3,
    env: {
      // The OAuth apps and authorization servers first: the Mailchimp API below is the fake
      // Marketing API (audiences), which the OAuth fake also imitates for identity reads only.
      ...oauth.env,
      STRIPE_API_BASE: stripe.url,
      SENDGRID_API_BASE: sendgrid.url,
      TWILIO_API_BASE: twilio.url,
      MAILCHIMP_API_BASE: mailchimp.apiBase,
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
    `fake stripe    ${fakes.stripe.url}\nfake sendgrid  ${fakes.sendgrid.url}\nfake odoo      ${fakes.odoo.url}\nfake smtp      ${fakes.smtp.host}:${fakes.smtp.port}\nfake twilio    ${fakes.twilio.url}\nfake mailchimp ${fakes.mailchimp.apiBase}\nfake oauth     ${fakes.oauth.url}\nfake google calendar ${fakes.googleCalendar.url}\nfake graph     ${fakes.graph.baseUrl}\nfake s3        ${fakes.s3.url} (bucket ${S3_BUCKET} in ${S3_REGION})\n`,
  );
  for (const [name, value] of Object.entries(fakes.oauth.env)) process.stdout.write(`${name}=${value}\n`);
  const stop = () => {
    fakes.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
