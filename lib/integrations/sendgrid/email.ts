// The email slot: SendGrid's Mail Send through @sendgrid/mail.
import type { EmailPort } from "@/lib/integrations/kit/ports/email";
import { classifySendGridError, sendgridDefinitelyNotSent, sendSendGridMail } from "@/lib/integrations/sendgrid/client";

export const email: EmailPort = { send: sendSendGridMail, classify: classifySendGridError, definitelyNotSent: sendgridDefinitelyNotSent };
