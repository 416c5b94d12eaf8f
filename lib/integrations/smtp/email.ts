// The email slot: any SMTP server through nodemailer.
import type { EmailPort } from "@/lib/integrations/kit/ports/email";
import { classifySmtpError, sendSmtpMail, smtpDefinitelyNotSent } from "@/lib/integrations/smtp/client";

export const email: EmailPort = { send: sendSmtpMail, classify: classifySmtpError, definitelyNotSent: smtpDefinitelyNotSent };
