// Registrations for webinars: create (within capacity, once per email and session) and list.
// Creating one sends the confirmation email in the registrant's language; an email failure is
// reported in the answer and never undoes the registration.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { sendTemplateEmail, type SendEmailResult } from "@/lib/email";
import { formatEmailDate } from "@/lib/email/render";
import { EMAIL_LANGUAGES, type EmailLanguage } from "@/lib/email/templates";
import { Prisma, type Registration, type WebinarSession } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/api";
import { optionalText } from "@/lib/validation";

export const registrationInputSchema = z.strictObject({
  sessionId: z.string({ error: "Give the sessionId of the webinar" }).trim().min(1, "Give the sessionId of the webinar"),
  name: z.string({ error: "Enter the person's name" }).trim().min(1, "Enter the person's name").max(200, "Keep the name under 200 characters"),
  email: z.string({ error: "Enter an email address" }).trim().toLowerCase().pipe(z.email("Enter a valid email address")),
  phone: optionalText(50),
  company: optionalText(200),
  language: z.enum(EMAIL_LANGUAGES, { error: `language is one of ${EMAIL_LANGUAGES.join(", ")}` }).default("en"),
});
export type RegistrationInput = z.infer<typeof registrationInputSchema>;

export const registrationListQuerySchema = z.strictObject({
  sessionId: z.string().trim().min(1).optional(),
});

export interface RegistrationView {
  id: string;
  sessionId: string;
  sessionTitle: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  language: string;
  status: string;
  paymentStatus: string;
  createdAt: string;
  confirmationSentAt: string | null;
  odooRegistrationId: number | null;
  reminders: { kind: string; status: string; sentAt: string | null }[];
}

type RegistrationRow = Registration & { session: Pick<WebinarSession, "title">; reminders: { kind: string; status: string; sentAt: Date | null }[] };

function registrationView(r: RegistrationRow): RegistrationView {
  return {
    id: r.id,
    sessionId: r.sessionId,
    sessionTitle: r.session.title,
    name: r.name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    language: r.language,
    status: r.status,
    paymentStatus: r.paymentStatus,
    createdAt: r.createdAt.toISOString(),
    confirmationSentAt: r.confirmationSentAt?.toISOString() ?? null,
    odooRegistrationId: r.odooRegistrationId,
    reminders: r.reminders.map((m) => ({ kind: m.kind, status: m.status, sentAt: m.sentAt?.toISOString() ?? null })),
  };
}

const INCLUDE = { session: { select: { title: true } }, reminders: { select: { kind: true, status: true, sentAt: true }, orderBy: { claimedAt: "asc" as const } } };

/** The registrant's language for emails: theirs when we have templates in it, else English. */
export function emailLanguage(language: string): EmailLanguage {
  return (EMAIL_LANGUAGES as readonly string[]).includes(language) ? (language as EmailLanguage) : "en";
}

/** The values every webinar email shares. */
export function webinarEmailValues(
  session: Pick<WebinarSession, "title" | "startsAt" | "durationMinutes" | "onlineUrl">,
  registration: Pick<Registration, "name">,
  language: EmailLanguage,
) {
  return {
    name: registration.name,
    webinar_title: session.title,
    date: formatEmailDate(session.startsAt, language),
    duration: language === "de" ? `${session.durationMinutes} Minuten` : `${session.durationMinutes} minutes`,
    join_url: session.onlineUrl,
  };
}

export interface CreatedRegistration {
  registration: RegistrationView;
  confirmation: SendEmailResult;
}

export async function createRegistration(workspaceId: string, input: RegistrationInput, actor: string): Promise<CreatedRegistration> {
  const db = await getDb();
  let created: RegistrationRow;
  try {
    created = await db.$transaction(async (tx) => {
      // Row lock on the session: two registrations at once cannot both take the last seat.
      const locked = await tx.$queryRaw<WebinarSession[]>`SELECT * FROM "WebinarSession" WHERE "id" = ${input.sessionId} AND "workspaceId" = ${workspaceId} FOR UPDATE`;
      const session = locked[0];
      if (!session) throw notFound("No webinar with this sessionId in this workspace");
      if (session.status === "cancelled" || session.status === "completed") throw new ApiError(409, `This webinar is ${session.status}; it takes no more registrations`);
      if (session.capacity !== null) {
        const taken = await tx.registration.count({ where: { sessionId: session.id, status: { not: "cancelled" } } });
        if (taken >= session.capacity) throw new ApiError(409, `This webinar is full (${session.capacity} places)`);
      }
      return tx.registration.create({
        data: {
          workspaceId,
          sessionId: session.id,
          name: input.name,
          email: input.email,
          phone: input.phone,
          company: input.company,
          language: input.language,
          paymentStatus: session.priceMinor ? "pending" : "not_required",
        },
        include: INCLUDE,
      });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ApiError(409, `${input.email} is already registered for this webinar`);
    throw error;
  }

  const session = await db.webinarSession.findUniqueOrThrow({ where: { id: created.sessionId } });
  const language = emailLanguage(created.language);
  const confirmation = await sendTemplateEmail(
    workspaceId,
    { to: created.email, template: "webinar_registration", language, values: webinarEmailValues(session, created, language) },
    { actor },
  );
  if (confirmation.ok) {
    created = await db.registration.update({ where: { id: created.id }, data: { confirmationSentAt: new Date() }, include: INCLUDE });
  }
  return { registration: registrationView(created), confirmation };
}

export async function listRegistrations(workspaceId: string, query: z.infer<typeof registrationListQuerySchema>): Promise<RegistrationView[]> {
  const db = await getDb();
  const rows = await db.registration.findMany({
    where: { workspaceId, ...(query.sessionId ? { sessionId: query.sessionId } : {}) },
    orderBy: { createdAt: "desc" },
    take: 500,
    include: INCLUDE,
  });
  return rows.map(registrationView);
}
