// A fake Twilio REST API speaking Twilio's wire format for the official `twilio` SDK: HTTP basic
// auth with account SID and auth token, form-encoded bodies, JSON resources under /2010-04-01,
// errors as {code, message, more_info, status}. It also builds the callbacks real Twilio sends —
// message status changes and incoming messages — signed with X-Twilio-Signature the way Twilio
// signs them (the SDK's own getExpectedTwilioSignature).
import crypto from "node:crypto";
import type http from "node:http";
import twilio from "twilio";
import { sendJson, startFakeServer, type FakeServerBase, type InjectedFailure, type RecordedRequest } from "@/tests/fakes/http";

export const TWILIO_ACCOUNT = {
  sid: "AC0123456789abcdef0123456789abcdef",
  authToken: "PlugboardTwilioToken000000000001",
  fromNumber: "+14155550100",
  friendlyName: "Plugboard Test Account",
} as const;

export interface FakeTwilioAccount {
  authToken: string;
  friendlyName: string;
  status: "active" | "suspended" | "closed";
  type: "Full" | "Trial";
  numbers: Set<string>;
}

export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  statusCallback?: string;
}

/** A callback as Twilio would POST it: where, what (form fields) and its signature. */
export interface SignedCallback {
  url: string;
  params: Record<string, string>;
  signature: string;
  /** The form body, encoded as Twilio encodes it. */
  body: string;
}

export interface FakeTwilio extends FakeServerBase {
  accounts: Map<string, FakeTwilioAccount>;
  messages: Map<string, FakeTwilioMessage>;
  /** The status callback Twilio would send for a message moving to `status`. */
  statusCallback(sid: string, status: string, options?: { errorCode?: number; url?: string }): SignedCallback;
  /** An incoming message to one of the account's numbers, posted to `url`. */
  inboundMessage(url: string, message: { from: string; to?: string; body: string; accountSid?: string }): SignedCallback;
  /** Posts a signed callback to its URL, as Twilio does. */
  post(callback: SignedCallback): Promise<Response>;
}

const twilioDate = (d = new Date()) => d.toUTCString().replace("GMT", "+0000");

function twilioError(res: http.ServerResponse, status: number, code: number, message: string) {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function basicAuth(req: RecordedRequest): { user: string; pass: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ""));
  if (!m) return null;
  const [user, ...rest] = Buffer.from(m[1]!, "base64").toString("utf8").split(":");
  return { user: user ?? "", pass: rest.join(":") };
}

function sign(authToken: string, url: string, params: Record<string, string>): SignedCallback {
  return { url, params, signature: twilio.getExpectedTwilioSignature(authToken, url, params), body: new URLSearchParams(params).toString() };
}

export async function startFakeTwilio(options: { port?: number } = {}): Promise<FakeTwilio> {
  const accounts = new Map<string, FakeTwilioAccount>([
    [
      TWILIO_ACCOUNT.sid,
      { authToken: TWILIO_ACCOUNT.authToken, friendlyName: TWILIO_ACCOUNT.friendlyName, status: "active", type: "Full", numbers: new Set([TWILIO_ACCOUNT.fromNumber]) },
    ],
  ]);
  const messages = new Map<string, FakeTwilioMessage>();

  const onFailure = (_req: RecordedRequest, res: http.ServerResponse, failure: InjectedFailure) => {
    const body = failure.body ?? { code: 20500, message: "An internal server error has occurred", more_info: "https://www.twilio.com/docs/errors/20500", status: failure.status };
    sendJson(res, failure.status, body, { ...(failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {}), ...failure.headers });
  };

  const messageResource = (m: FakeTwilioMessage) => ({
    account_sid: m.accountSid,
    api_version: "2010-04-01",
    body: m.body,
    date_created: twilioDate(),
    date_sent: null,
    date_updated: twilioDate(),
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: "0",
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 160))),
    price: null,
    price_unit: "USD",
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  });

  const base = await startFakeServer({ port: options.port, onFailure }, (req, res) => {
    const route = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(\.json|\/Messages\.json)$/.exec(req.path);
    const auth = basicAuth(req);
    const account = auth ? accounts.get(auth.user) : undefined;
    if (!auth || !account || account.authToken !== auth.pass) return twilioError(res, 401, 20003, "Authenticate");
    if (!route) return twilioError(res, 404, 20404, `The requested resource ${req.path} was not found`);
    if (route[1] !== auth.user) return twilioError(res, 403, 20003, "Authenticate");
    if (route[2] === ".json" && req.method === "GET") {
      return sendJson(res, 200, {
        auth_token: account.authToken,
        date_created: twilioDate(new Date("2024-01-01T00:00:00Z")),
        friendly_name: account.friendlyName,
        owner_account_sid: auth.user,
        sid: auth.user,
        status: account.status,
        type: account.type,
        uri: `/2010-04-01/Accounts/${auth.user}.json`,
      });
    }
    if (route[2] === "/Messages.json" && req.method === "POST") {
      if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return twilioError(res, 400, 20001, "Bodies must be form-encoded");
      const form = Object.fromEntries(new URLSearchParams(req.body));
      if (!form.To || !/^\+[1-9]\d{6,14}$/.test(form.To)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${form.To ?? ""}`);
      if (!form.From || !account.numbers.has(form.From)) {
        return twilioError(res, 400, 21606, `The From phone number ${form.From ?? ""} is not a valid, SMS-capable inbound phone number or short code for your account.`);
      }
      if (!form.Body) return twilioError(res, 400, 21602, "Message body is required.");
      const message: FakeTwilioMessage = {
        sid: `SM${crypto.randomBytes(16).toString("hex")}`,
        accountSid: auth.user,
        from: form.From,
        to: form.To,
        body: form.Body,
        status: "queued",
        statusCallback: form.StatusCallback,
      };
      messages.set(message.sid, message);
      return sendJson(res, 201, messageResource(message));
    }
    return twilioError(res, 405, 20004, "Method not allowed");
  });

  return {
    ...base,
    accounts,
    messages,
    statusCallback(sid, status, opts = {}) {
      const m = messages.get(sid);
      if (!m) throw new Error(`fake twilio: no message ${sid}`);
      const url = opts.url ?? m.statusCallback;
      if (!url) throw new Error(`fake twilio: message ${sid} has no status callback`);
      m.status = status;
      const params: Record<string, string> = {
        SmsSid: sid,
        SmsStatus: status,
        MessageStatus: status,
        To: m.to,
        MessageSid: sid,
        AccountSid: m.accountSid,
        From: m.from,
        ApiVersion: "2010-04-01",
        ...(opts.errorCode !== undefined ? { ErrorCode: String(opts.errorCode) } : {}),
      };
      return sign(accounts.get(m.accountSid)!.authToken, url, params);
    },
    inboundMessage(url, message) {
      const accountSid = message.accountSid ?? TWILIO_ACCOUNT.sid;
      const sid = `SM${crypto.randomBytes(16).toString("hex")}`;
      const params: Record<string, string> = {
        ToCountry: "US",
        ToState: "CA",
        SmsMessageSid: sid,
        NumMedia: "0",
        ToCity: "SAN FRANCISCO",
        FromZip: "",
        SmsSid: sid,
        FromState: "CA",
        SmsStatus: "received",
        FromCity: "",
        Body: message.body,
        FromCountry: "US",
        To: message.to ?? TWILIO_ACCOUNT.fromNumber,
        ToZip: "",
        NumSegments: "1",
        MessageSid: sid,
        AccountSid: accountSid,
        From: message.from,
        ApiVersion: "2010-04-01",
      };
      return sign(accounts.get(accountSid)?.authToken ?? "unknown-account", url, params);
    },
    post(callback) {
      return fetch(callback.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": callback.signature, "user-agent": "TwilioProxy/1.1" },
        body: callback.body,
      });
    },
  };
}
