// The sms slot: text messages through Twilio's Messages API.
import type { SmsPort } from "@/lib/integrations/kit/ports/sms";
import { classifyTwilioError, sendTwilioSms } from "@/lib/integrations/twilio/client";

export const sms: SmsPort = {
  sender: (fields) => fields.fromNumber ?? "",
  async send(fields, request, ctx) {
    const sent = await sendTwilioSms({ accountSid: fields.accountSid ?? "", authToken: fields.authToken ?? "", fromNumber: fields.fromNumber ?? "" }, request, ctx);
    return { sid: sent.sid, status: sent.status };
  },
  classify: classifyTwilioError,
};
