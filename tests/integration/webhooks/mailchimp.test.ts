// Mailchimp: the audience webhook (URL secret, replay window, dedupe, each event type's effect on
// Contact) and the client side through the real SDK against the fake Mailchimp API.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as aliasGet, POST as aliasPost } from "@/app/api/mailchimp/webhooks/route";
import { pushContactToAudience, workspaceAudiences } from "@/lib/contacts/audiences";
import { mailchimpAuth, subscriberHash } from "@/lib/integrations/mailchimp/client";
import { parseNestedForm } from "@/lib/integrations/mailchimp/inbound";
import { MAILCHIMP_KEYS, mailchimpWebhookBody } from "@/tests/fakes/mailchimp";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { call, deliverWebhook, storedConnection, useEnv } from "@/tests/integration/webhooks/helpers";

const h = useHarness();
const SECRET = "mailchimp-webhook-secret-for-tests-0001";
useEnv({ MAILCHIMP_WEBHOOK_SECRET: SECRET });

let workspaceId: string;
beforeEach(async () => {
  workspaceId = (await signedIn(h.t.db)).workspaceId;
});

const hookUrl = (secret: string | null = SECRET, workspace: string | null = workspaceId, path = "/api/webhooks/mailchimp") => {
  const url = new URL(`http://127.0.0.1${path}`);
  if (secret !== null) url.searchParams.set("secret", secret);
  if (workspace !== null) url.searchParams.set("workspace", workspace);
  return url.toString();
};
const form = { "content-type": "application/x-www-form-urlencoded" };
const deliver = (body: string, url = hookUrl()) => deliverWebhook({ url, headers: form, body });
const contact = (email: string) => h.t.db.contact.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
const ada = { email: "Ada@Example.test", list_id: "a1b2c3d4e5", merges: { EMAIL: "Ada@Example.test", FNAME: "Ada", LNAME: "Lovelace", COMPANY: "Engines" } };

describe("Mailchimp webhook", () => {
  it("answers Mailchimp's validation GET only with the right secret", async () => {
    expect((await deliverWebhook({ url: hookUrl(), method: "GET" })).status).toBe(200);
    expect((await deliverWebhook({ url: hookUrl("wrong"), method: "GET" })).status).toBe(401);
    expect((await deliverWebhook({ url: hookUrl(null), method: "GET" })).status).toBe(401);
    expect((await call(aliasGet, { url: hookUrl(SECRET, workspaceId, "/api/mailchimp/webhooks"), method: "GET" })).status).toBe(200);
  });

  it("subscribe creates the contact; a second subscribe after an unsubscribe re-subscribes it", async () => {
    expect((await deliver(mailchimpWebhookBody("subscribe", ada, new Date(Date.now() - 5000)))).status).toBe(200);
    expect(await contact("ada@example.test")).toMatchObject({
      status: "subscribed",
      name: "Ada Lovelace",
      source: "mailchimp",
      listId: "a1b2c3d4e5",
      mergeFields: { FNAME: "Ada", LNAME: "Lovelace", COMPANY: "Engines" },
      optedOutAt: null,
    });

    await deliver(mailchimpWebhookBody("unsubscribe", { action: "unsub", reason: "manual", email: ada.email, list_id: ada.list_id }, new Date(Date.now() - 3000)));
    const out = await contact("ada@example.test");
    expect(out).toMatchObject({ status: "unsubscribed" });
    expect(out!.optedOutAt).toBeInstanceOf(Date);

    // A later subscribe (another fired_at, so not a duplicate of the first).
    await deliver(mailchimpWebhookBody("subscribe", ada));
    expect(await contact("ada@example.test")).toMatchObject({ status: "subscribed", optedOutAt: null });
    expect(await h.t.db.contact.count()).toBe(1);
  });

  it("profile updates the fields, cleaned marks the address bounced, campaign is recorded", async () => {
    await deliver(mailchimpWebhookBody("subscribe", ada));
    await deliver(mailchimpWebhookBody("profile", { ...ada, merges: { ...ada.merges, FNAME: "Augusta", COMPANY: "Analytical" } }, new Date(Date.now() - 1000)));
    expect(await contact("ada@example.test")).toMatchObject({ name: "Augusta Lovelace", mergeFields: { FNAME: "Augusta", COMPANY: "Analytical" }, status: "subscribed" });

    await deliver(mailchimpWebhookBody("cleaned", { list_id: ada.list_id, campaign_id: "4fjk2ma9xd", reason: "hard", email: ada.email }));
    const cleaned = await contact("ada@example.test");
    expect(cleaned).toMatchObject({ status: "cleaned" });
    expect(cleaned!.cleanedAt).toBeInstanceOf(Date);

    await deliver(mailchimpWebhookBody("campaign", { id: "5aa2102003", subject: "Webinar next week", status: "sent", reason: "", list_id: ada.list_id }));
    expect(await h.t.db.inboundEvent.findFirstOrThrow({ where: { type: "campaign" } })).toMatchObject({ state: "processed", payload: { data: { subject: "Webinar next week" } } });
    expect(await h.t.db.inboundEvent.count({ where: { state: "processed" } })).toBe(4);
  });

  it("upemail changes the address, or merges into the existing contact of the new address", async () => {
    await deliver(mailchimpWebhookBody("subscribe", ada));
    await deliver(mailchimpWebhookBody("upemail", { list_id: ada.list_id, new_id: "51aa6d1f3a", new_email: "ada@new.test", old_email: ada.email }));
    expect(await contact("ada@example.test")).toBeNull();
    expect(await contact("ada@new.test")).toMatchObject({ name: "Ada Lovelace", status: "subscribed" });

    await deliver(mailchimpWebhookBody("subscribe", { email: "grace@example.test", list_id: ada.list_id, merges: { FNAME: "Grace", PHONE: "+1555" } }));
    await deliver(mailchimpWebhookBody("subscribe", { email: "grace@navy.test", list_id: ada.list_id, merges: { FNAME: "Grace H" } }));
    await deliver(mailchimpWebhookBody("upemail", { list_id: ada.list_id, new_id: "x", new_email: "grace@navy.test", old_email: "grace@example.test" }));
    expect(await contact("grace@example.test")).toBeNull();
    expect(await contact("grace@navy.test")).toMatchObject({ name: "Grace H", mergeFields: { FNAME: "Grace H", PHONE: "+1555" } });
    expect(await h.t.db.contact.count()).toBe(2);
  });

  it("refuses a missing or wrong secret, an unknown workspace and a replayed (old) delivery; processes nothing", async () => {
    const body = mailchimpWebhookBody("subscribe", ada);
    expect((await deliver(body, hookUrl(null))).status).toBe(401);
    expect((await deliver(body, hookUrl("not-the-secret"))).status).toBe(400);
    expect((await deliver(body, hookUrl(SECRET, "no-such-workspace"))).status).toBe(400);
    const old = await deliver(mailchimpWebhookBody("subscribe", ada, new Date(Date.now() - 2 * 3600_000)));
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.body)).toMatch(/replay/);
    expect((await deliver("type=subscribe&data[email]=x@y.test")).status).toBe(400);
    expect(await h.t.db.contact.count()).toBe(0);
    const rows = await h.t.db.inboundEvent.findMany();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.state === "rejected" && r.payload === null)).toBe(true);
    expect(rows.map((r) => r.signature).sort()).toEqual(["invalid", "invalid", "invalid", "missing", "stale"]);
  });

  it("processes a repeated delivery once (deduplicated on the body's hash), through the alias path too", async () => {
    const body = mailchimpWebhookBody("subscribe", ada);
    const first = await deliver(body);
    const second = await call(aliasPost, { url: hookUrl(SECRET, workspaceId, "/api/mailchimp/webhooks"), headers: form, body });
    expect(first.body).toMatchObject({ duplicate: false });
    expect(second.body).toMatchObject({ duplicate: true });
    expect(await h.t.db.inboundEvent.findFirstOrThrow()).toMatchObject({ deliveries: 2, attempts: 1, state: "processed" });
  });

  it("stores an unknown type as ignored", async () => {
    expect((await deliver(mailchimpWebhookBody("something_new", { email: "x@y.test" }))).status).toBe(200);
    expect(await h.t.db.inboundEvent.findFirstOrThrow()).toMatchObject({ type: "something_new", state: "ignored" });
  });

  it("reads nested form keys without letting them reach object prototypes", () => {
    const tree = parseNestedForm("type=profile&data[merges][FNAME]=Ada&data[merges][GROUPINGS][0][name]=Topics&__proto__[polluted]=1&data[constructor][x]=1");
    expect(tree).toEqual({ type: "profile", data: { merges: { FNAME: "Ada", GROUPINGS: { "0": { name: "Topics" } } } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("Mailchimp client (real SDK against the fake API)", () => {
  it("reads either credential shape: an API key with its data centre, or an OAuth token plus dc", () => {
    expect(mailchimpAuth({ apiKey: "abc123-us21" })).toEqual({ kind: "api_key", token: "abc123-us21", dc: "us21" });
    expect(mailchimpAuth({ accessToken: "tok", dc: "us6" })).toEqual({ kind: "oauth", token: "tok", dc: "us6" });
    expect(mailchimpAuth({ apiKey: "no-datacentre-" })).toBeNull();
    expect(mailchimpAuth({ accessToken: "tok", api_endpoint: "https://us19.api.mailchimp.com" })).toEqual({ kind: "oauth", token: "tok", dc: "us19" });
    expect(mailchimpAuth({ accessToken: "tok" })).toBeNull();
  });

  it("lists audiences and pushes a contact with an API key, and with an OAuth token", async () => {
    const user = await signedIn(h.t.db, "admin", "Mailchimp Co");
    await storedConnection(h.t.db, user.workspaceId, "mailchimp", { apiKey: MAILCHIMP_KEYS.apiKey });
    expect(await workspaceAudiences(user)).toEqual([
      { id: "a1b2c3d4e5", name: "Newsletter", memberCount: 0 },
      { id: "f6e7d8c9b0", name: "Webinar attendees", memberCount: 0 },
    ]);
    const member = await pushContactToAudience(user, "a1b2c3d4e5", { email: "Ada@Example.test", firstName: "Ada", status: "subscribed" });
    expect(member).toMatchObject({ id: subscriberHash("ada@example.test"), status: "subscribed" });
    const put = h.fakes.mailchimp.requests.find((r) => r.method === "PUT")!;
    expect(put.path).toBe(`/3.0/lists/a1b2c3d4e5/members/${subscriberHash("ada@example.test")}`);
    expect(JSON.parse(put.body)).toMatchObject({ email_address: "Ada@Example.test", status_if_new: "subscribed", merge_fields: { FNAME: "Ada" } });
    expect(put.headers.authorization).toMatch(/^Basic /);
    expect(await h.t.db.integrationActivity.count({ where: { workspaceId: user.workspaceId, providerId: "mailchimp", outcome: "success" } })).toBe(2);

    const oauth = await signedIn(h.t.db, "admin", "OAuth Co");
    await storedConnection(h.t.db, oauth.workspaceId, "mailchimp", { accessToken: MAILCHIMP_KEYS.oauthToken }, { dc: "us21" });
    expect(await workspaceAudiences(oauth)).toHaveLength(2);
    expect(h.fakes.mailchimp.requests.at(-1)!.headers.authorization).toBe(`Bearer ${MAILCHIMP_KEYS.oauthToken}`);

    // Connected through the OAuth flow, which keeps the data centre with the grant's facts.
    const viaFlow = await signedIn(h.t.db, "admin", "OAuth Flow Co");
    const flowConnection = await storedConnection(h.t.db, viaFlow.workspaceId, "mailchimp", { accessToken: MAILCHIMP_KEYS.oauthToken });
    await h.t.db.connection.update({ where: { id: flowConnection.id }, data: { settings: { oauth: { dc: "us21", accountId: "42" } } } });
    expect(await workspaceAudiences(viaFlow)).toHaveLength(2);
  });

  it("turns Mailchimp's problems into answers a person can act on", async () => {
    const user = await signedIn(h.t.db, "admin", "Broken Co");
    expect((await rejection(workspaceAudiences(user))).status).toBe(409);
    await storedConnection(h.t.db, user.workspaceId, "mailchimp", { apiKey: MAILCHIMP_KEYS.wrongKey });
    const refused = await rejection(workspaceAudiences(user));
    // Rejected credentials are the connection's problem (reconnect), as for every provider.
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/API Key Invalid/);
    expect(refused.message).not.toContain(MAILCHIMP_KEYS.wrongKey);
    await h.t.db.credential.deleteMany();
    await h.t.db.connection.deleteMany();
    await storedConnection(h.t.db, user.workspaceId, "mailchimp", { apiKey: MAILCHIMP_KEYS.apiKey });
    const missing = await rejection(pushContactToAudience(user, "nosuchlist", { email: "a@b.test", status: "subscribed" }));
    expect(missing.status).toBe(404);
    expect(missing.message).toMatch(/Resource Not Found/);
  });
});
