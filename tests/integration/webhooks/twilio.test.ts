// Twilio: connecting through the real SDK against the fake API, sending an SMS with a status
// callback, callbacks signed the way Twilio signs them (checked against the public URL, as behind
// a proxy), incoming messages, and refusals.
import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { connectApiKey } from "@/lib/connections/api-key";
import { sendSms } from "@/lib/sms/send";
import { retryInboundEvents } from "@/lib/webhooks-in/store";
import { TWILIO_ACCOUNT, type SignedCallback } from "@/tests/fakes/twilio";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";
import { deliverWebhook, useEnv } from "@/tests/integration/webhooks/helpers";

const h = useHarness();
// Twilio calls the public address; this server sees another one (a reverse proxy in between).
const PUBLIC_URL = "https://plugboard.example.com";
const INTERNAL = "http://127.0.0.1:3000";
useEnv({ PUBLIC_URL });

let user: SessionUser;
beforeEach(async () => {
  user = await signedIn(h.t.db);
});

const connectTwilio = () => connectApiKey(user, "twilio", { accountSid: TWILIO_ACCOUNT.sid, authToken: TWILIO_ACCOUNT.authToken, fromNumber: TWILIO_ACCOUNT.fromNumber });

/** Delivers a callback the way it reaches this server: same path and body, internal host. */
function receive(callback: SignedCallback, overrides: { body?: string; signature?: string | null } = {}) {
  const path = new URL(callback.url).pathname + new URL(callback.url).search;
  const signature = overrides.signature === undefined ? callback.signature : overrides.signature;
  return deliverWebhook({
    url: `${INTERNAL}${path}`,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature !== null ? { "x-twilio-signature": signature } : {}) },
    body: overrides.body ?? callback.body,
  });
}

describe("Twilio connection and SMS", () => {
  it("connects with account SID, auth token and sending number, tested live through the SDK", async () => {
    const view = await connectTwilio();
    expect(view).toMatchObject({ connected: true, accountLabel: `Twilio · ${TWILIO_ACCOUNT.friendlyName} · ${TWILIO_ACCOUNT.fromNumber}` });
    expect(JSON.stringify(view)).not.toContain(TWILIO_ACCOUNT.authToken);
    const fetched = h.fakes.twilio.requests.at(-1)!;
    expect(fetched.path).toBe(`/2010-04-01/Accounts/${TWILIO_ACCOUNT.sid}.json`);
    const wrong = await rejection(connectApiKey(user, "twilio", { accountSid: TWILIO_ACCOUNT.sid, authToken: "wrong-token", fromNumber: TWILIO_ACCOUNT.fromNumber }));
    expect(wrong.status).toBe(422);
    expect(wrong.message).toMatch(/Twilio rejected the credentials/);
  });

  it("sends an SMS with a status callback and follows its delivery status from signed callbacks", async () => {
    await connectTwilio();
    const message = await sendSms(user, { to: "+15557654321", body: "See you at the webinar" });
    expect(message).toMatchObject({ direction: "outbound", status: "queued", from: TWILIO_ACCOUNT.fromNumber, to: "+15557654321" });
    const sent = h.fakes.twilio.requests.find((r) => r.method === "POST")!;
    expect(new URLSearchParams(sent.body).get("StatusCallback")).toBe(`${PUBLIC_URL}/api/webhooks/twilio/status`);
    expect(message.providerSid).toMatch(/^SM[0-9a-f]{32}$/);

    for (const status of ["sent", "delivered"]) {
      const answer = await receive(h.fakes.twilio.statusCallback(message.providerSid!, status));
      expect(answer.status).toBe(200);
    }
    // A late "sent" after "delivered" does not move the status back.
    await receive(h.fakes.twilio.statusCallback(message.providerSid!, "sent", { errorCode: undefined }), {});
    expect(await h.t.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "delivered" });
    expect(await h.t.db.inboundEvent.findMany({ select: { type: true, state: true, deliveries: true } })).toEqual(
      expect.arrayContaining([
        { type: "message.status", state: "processed", deliveries: 2 },
        { type: "message.status", state: "processed", deliveries: 1 },
      ]),
    );
  });

  it("records a failed delivery's error code", async () => {
    await connectTwilio();
    const message = await sendSms(user, { to: "+15557654321", body: "Hello" });
    await receive(h.fakes.twilio.statusCallback(message.providerSid!, "undelivered", { errorCode: 30003 }));
    expect(await h.t.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "undelivered", errorCode: 30003 });
  });

  it("stores the message as failed when Twilio refuses it, with Twilio's reason", async () => {
    await connectTwilio();
    await h.t.db.connection.updateMany({ where: { providerId: "twilio" }, data: { settings: { fields: { accountSid: TWILIO_ACCOUNT.sid, fromNumber: "+14155550199" } } } });
    const refused = await rejection(sendSms(user, { to: "+15557654321", body: "Hello" }));
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(/21606/);
    expect(await h.t.db.message.findFirstOrThrow()).toMatchObject({ status: "failed" });
    expect((await rejection(sendSms(await signedIn(h.t.db, "admin", "No Twilio"), { to: "+15557654321", body: "x" }))).status).toBe(409);
  });

  it("refuses a tampered body, a wrong auth token, a signature over another URL and a missing header; processes nothing", async () => {
    await connectTwilio();
    const message = await sendSms(user, { to: "+15557654321", body: "Hello" });
    const callback = h.fakes.twilio.statusCallback(message.providerSid!, "delivered");
    expect((await receive(callback, { body: callback.body.replace("delivered", "failed") })).status).toBe(400);
    h.fakes.twilio.accounts.get(TWILIO_ACCOUNT.sid)!.authToken = "SomeOtherToken000000000000000002";
    const wrongToken = h.fakes.twilio.statusCallback(message.providerSid!, "delivered");
    h.fakes.twilio.accounts.get(TWILIO_ACCOUNT.sid)!.authToken = TWILIO_ACCOUNT.authToken;
    expect((await receive(wrongToken)).status).toBe(400);
    // Signed for the internal URL, not the public one Twilio is configured with.
    const internal = h.fakes.twilio.statusCallback(message.providerSid!, "delivered", { url: `${INTERNAL}/api/webhooks/twilio/status` });
    expect((await receive(internal)).status).toBe(400);
    expect((await receive(callback, { signature: null })).status).toBe(401);

    expect(await h.t.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "queued" });
    const rows = await h.t.db.inboundEvent.findMany();
    expect(rows.map((r) => r.signature).sort()).toEqual(["invalid", "invalid", "invalid", "missing"]);
    expect(rows.every((r) => r.state === "rejected" && r.payload === null)).toBe(true);
    // The claimed account matched one workspace, so its refusals show on that workspace's page.
    expect(rows.filter((r) => r.workspaceId === user.workspaceId)).toHaveLength(3);
  });

  it("applies a status callback that overtook the send answer once the message is known", async () => {
    await connectTwilio();
    const message = await sendSms(user, { to: "+15557654321", body: "Hello" });
    // Pretend the answer had not been stored yet when the callback came.
    await h.t.db.message.update({ where: { id: message.id }, data: { providerSid: null } });
    await receive(h.fakes.twilio.statusCallback(message.providerSid!, "sent"));
    const failed = await h.t.db.inboundEvent.findFirstOrThrow({ where: { type: "message.status" } });
    expect(failed).toMatchObject({ state: "failed", attempts: 1 });
    expect(failed.lastError).toMatch(/No message/);
    await h.t.db.message.update({ where: { id: message.id }, data: { providerSid: message.providerSid } });
    expect(await retryInboundEvents(h.t.db, { now: () => new Date(Date.now() + 3600_000) })).toMatchObject({ due: 1, processed: 1 });
    expect(await h.t.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "sent" });
  });
});

describe("Twilio incoming messages", () => {
  it("stores an incoming SMS once, answers empty TwiML, and checks the signature", async () => {
    await connectTwilio();
    const inbound = h.fakes.twilio.inboundMessage(`${PUBLIC_URL}/api/webhooks/twilio/inbound`, { from: "+15551234567", body: "Yes, see you then" });
    const answer = await receive(inbound);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/text\/xml/);
    expect(answer.text).toContain("<Response></Response>");
    expect((await receive(inbound)).status).toBe(200);
    const messages = await h.t.db.message.findMany();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      direction: "inbound",
      from: "+15551234567",
      to: TWILIO_ACCOUNT.fromNumber,
      body: "Yes, see you then",
      status: "received",
      workspaceId: user.workspaceId,
    });
    expect(await h.t.db.inboundEvent.findFirstOrThrow({ where: { type: "message.inbound" } })).toMatchObject({ deliveries: 2, attempts: 1, state: "processed" });

    const forged = h.fakes.twilio.inboundMessage(`${PUBLIC_URL}/api/webhooks/twilio/inbound`, { from: "+15550000000", body: "hi" });
    expect((await receive(forged, { body: forged.body.replace("hi", "send+money") })).status).toBe(400);
    expect(await h.t.db.message.count()).toBe(1);
  });
});
