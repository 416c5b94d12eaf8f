// What `npm run demo` (scripts/demo.ts) starts beside Plugboard, and what to type into each Connect
// form there: every fake provider on its default port, a webhook receiver to point an endpoint
// at, and the settings that let Plugboard reach them on 127.0.0.1. The form values are the keys
// the fakes accept; tests/integration/integrations/demo.test.ts connects each provider with
// them, and the README's table of them is generated from here (npm run docs:env).
import type { ProviderManifest } from "@/lib/integrations/kit/manifest";
import { getProvider, providers } from "@/lib/integrations/registry";
import { DEFAULT_ACCOUNTS, MAILCHIMP_API_KEYS, type OAuthProviderKind } from "@/tests/fakes/oauth";
import { ODOO_LOGIN } from "@/tests/fakes/odoo";
import { SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
import { S3_BUCKET, S3_KEYS, S3_REGION } from "@/tests/fakes/s3";
import { SMTP_LOGIN } from "@/tests/fakes/smtp";
import { startFakeProviders, type FakePorts, type FakeProviders } from "@/tests/fakes/serve";
import { STRIPE_KEYS } from "@/tests/fakes/stripe";
import { TWILIO_ACCOUNT } from "@/tests/fakes/twilio";
import { startWebhookReceiver, type FakeWebhookReceiver } from "@/tests/fakes/webhook-receiver";

export const DEMO_WEBHOOK_RECEIVER_PORT = 12120;

/** Where the fakes that an admin types an address for listen (the others are set by environment). */
export interface DemoAddresses {
  odooUrl: string;
  smtpPort: number;
  s3Url: string;
}

export const DEFAULT_DEMO_ADDRESSES: DemoAddresses = { odooUrl: "http://127.0.0.1:12113", smtpPort: 12114, s3Url: "http://127.0.0.1:12121" };

/** One API-key provider's Connect form, filled in with values the fake accepts. */
export interface DemoForm {
  providerId: string;
  fields: Record<string, string>;
}

export function demoForms(addresses: DemoAddresses = DEFAULT_DEMO_ADDRESSES): DemoForm[] {
  return [
    { providerId: "stripe", fields: { secretKey: STRIPE_KEYS.valid, webhookSecret: STRIPE_KEYS.webhookSecret } },
    { providerId: "sendgrid", fields: { apiKey: SENDGRID_KEYS.valid, fromEmail: "hello@plugboard.test" } },
    {
      providerId: "smtp",
      fields: {
        host: "127.0.0.1",
        port: String(addresses.smtpPort),
        security: "none",
        username: SMTP_LOGIN.username,
        password: SMTP_LOGIN.password,
        fromEmail: "hello@plugboard.test",
      },
    },
    { providerId: "twilio", fields: { accountSid: TWILIO_ACCOUNT.sid, authToken: TWILIO_ACCOUNT.authToken, fromNumber: TWILIO_ACCOUNT.fromNumber } },
    { providerId: "odoo", fields: { url: addresses.odooUrl, database: ODOO_LOGIN.database, username: ODOO_LOGIN.username, apiKey: ODOO_LOGIN.apiKey } },
    { providerId: "mailchimp", fields: { apiKey: MAILCHIMP_API_KEYS[0] } },
    {
      providerId: "s3",
      fields: { endpoint: addresses.s3Url, region: S3_REGION, bucket: S3_BUCKET, accessKeyId: S3_KEYS.accessKeyId, secretAccessKey: S3_KEYS.secretAccessKey, pathStyle: "path" },
    },
  ];
}

/** The account each fake authorization server signs in as when Allow is pressed on its consent page. */
export const DEMO_OAUTH_ACCOUNTS: Record<OAuthProviderKind, string> = Object.fromEntries(
  Object.entries(DEFAULT_ACCOUNTS).map(([kind, account]) => [kind, account.email || `@${account.extra}`]),
) as Record<OAuthProviderKind, string>;

export interface Demo {
  fakes: FakeProviders;
  receiver: FakeWebhookReceiver;
  /** The environment Plugboard runs with in the demo (on top of the caller's own). */
  env: Record<string, string>;
  addresses: DemoAddresses;
  close(): Promise<void>;
}

/** Starts the fakes (their default ports unless `ports` says otherwise) and the webhook receiver. */
export async function startDemo(ports: FakePorts & { receiverPort?: number } = {}): Promise<Demo> {
  const fakes = await startFakeProviders(ports);
  let receiver: FakeWebhookReceiver;
  try {
    receiver = await startWebhookReceiver({ port: ports.receiverPort ?? DEMO_WEBHOOK_RECEIVER_PORT });
  } catch (error) {
    await fakes.close();
    throw error;
  }
  return {
    fakes,
    receiver,
    env: {
      ...fakes.env,
      // The fakes and the receiver listen on 127.0.0.1 over plain http, which the address rules
      // refuse by default (SSRF protection); the demo allows exactly that address.
      WEBHOOK_ALLOW_HTTP_HOSTS: "127.0.0.1",
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "127.0.0.1",
      // Mailchimp's Marketing API as the OAuth fake imitates it (accounts by data centre, for
      // both the consent page and a key); the audiences-only fake knows neither such key nor token.
      MAILCHIMP_API_BASE: fakes.oauth.env.MAILCHIMP_API_BASE!,
    },
    addresses: { odooUrl: fakes.odoo.url, smtpPort: fakes.smtp.port, s3Url: fakes.s3.url },
    async close() {
      await Promise.all([fakes.close(), receiver.close()]);
    },
  };
}

/** The providers that connect through a consent page (the fake authorization servers' in the demo). */
export function oauthProviders(): ProviderManifest[] {
  return providers.filter((p) => p.status === "available" && p.authType === "oauth2");
}

/** The providers with a key form (Mailchimp has both). */
export function keyFormProviders(): ProviderManifest[] {
  return providers.filter((p) => p.status === "available" && (p.authType === "api_key" || p.apiKey));
}

export const DEMO_START = "<!-- demo:start (generated by npm run docs:env) -->";
export const DEMO_END = "<!-- demo:end -->";

/** The README's table of what to type into each Connect form in the demo. */
export function renderDemoTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = demoForms().map(({ providerId, fields }) => {
    const manifest = getProvider(providerId)!;
    const form = manifest.authType === "api_key" ? manifest.fields : (manifest.apiKey?.fields ?? []);
    const label = (name: string) => form.find((field) => field.name === name)?.label ?? name;
    const values = Object.entries(fields).map(([name, value]) => `${label(name)} \`${cell(value)}\``);
    return `| ${manifest.name}${manifest.authType === "oauth2" ? " (API key form)" : ""} | ${values.join(", ")} |`;
  });
  const oauth = Object.entries(DEMO_OAUTH_ACCOUNTS).map(([kind, account]) => `${kind}: ${account}`);
  return [
    "| Provider | What to type in its Connect form |",
    "| --- | --- |",
    ...rows,
    `| ${oauthProviders()
      .map((p) => p.name)
      .join(", ")} | Nothing: press Connect, then Allow on the fake consent page. Accounts: ${oauth.join(", ")} |`,
    "| Outgoing webhooks | Endpoint URL `http://127.0.0.1:12120/` (the demo's receiver; each delivery it gets is printed in the terminal) |",
  ].join("\n");
}
