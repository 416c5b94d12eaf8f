// The email templates, in English and German, as data: a subject and content blocks with
// `{value}` placeholders. render.ts turns the blocks into both an HTML and a plain-text part, so
// the two always say the same thing; values are escaped in HTML and left as they are in text.
//
// Values each template takes (required ones must be given; extra values are ignored):
//   booking_confirmation   reference, date            [name, consultant, location, meeting_url]
//   webinar_registration   webinar_title, date        [name, duration, join_url]
//   webinar_reminder       webinar_title, when, date  [name, join_url]   (when: "in 7 days")
//   integration_alert      integration, status        [reasons, details, dashboard_url, name]
//   job_failed             job, failures, error       [schedule, dashboard_url, name]

export const EMAIL_TEMPLATES = ["booking_confirmation", "webinar_registration", "webinar_reminder", "integration_alert", "job_failed"] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];
export const EMAIL_LANGUAGES = ["en", "de"] as const;
export type EmailLanguage = (typeof EMAIL_LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<EmailLanguage, string> = { en: "English", de: "German" };

/** A piece of content. `if` shows it only when that value is given; `otherwise` replaces it when not. */
export type Block =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string; if?: string; otherwise?: string }
  | { kind: "details"; rows: { label: string; value: string; if?: string }[] }
  | { kind: "button"; label: string; url: string; if?: string }
  | { kind: "note"; text: string; if?: string };

export interface LocalizedTemplate {
  subject: string;
  /** Shown by mail clients next to the subject. */
  preheader: string;
  blocks: Block[];
  footer: string;
}

export interface TemplateSpec {
  description: string;
  required: string[];
  optional: string[];
  languages: Partial<Record<string, LocalizedTemplate>>;
  /** Example values for the dashboard preview and the test email, per language. */
  samples: Record<EmailLanguage, Record<string, string>>;
}

const FOOTER = {
  en: "You receive this email because of your request on our website.",
  de: "Sie erhalten diese E-Mail aufgrund Ihrer Anfrage auf unserer Website.",
};

export const TEMPLATES: Record<EmailTemplate, TemplateSpec> = {
  booking_confirmation: {
    description: "Sent when a consultation is booked",
    required: ["reference", "date"],
    optional: ["name", "consultant", "location", "meeting_url"],
    languages: {
      en: {
        subject: "Consultation Confirmed - {reference}",
        preheader: "Your consultation on {date} is confirmed.",
        blocks: [
          { kind: "paragraph", text: "Hello {name},", if: "name", otherwise: "Hello," },
          { kind: "paragraph", text: "your consultation is confirmed. We look forward to speaking with you." },
          {
            kind: "details",
            rows: [
              { label: "Booking reference", value: "{reference}" },
              { label: "Date and time", value: "{date}" },
              { label: "Consultant", value: "{consultant}", if: "consultant" },
              { label: "Location", value: "{location}", if: "location" },
            ],
          },
          { kind: "button", label: "Join the video call", url: "{meeting_url}", if: "meeting_url" },
          { kind: "note", text: "Need to change the appointment? Reply to this email and quote your booking reference." },
        ],
        footer: FOOTER.en,
      },
      de: {
        subject: "Beratungstermin bestätigt - {reference}",
        preheader: "Ihr Beratungstermin am {date} ist bestätigt.",
        blocks: [
          { kind: "paragraph", text: "Guten Tag {name},", if: "name", otherwise: "Guten Tag," },
          { kind: "paragraph", text: "Ihr Beratungstermin ist bestätigt. Wir freuen uns auf das Gespräch mit Ihnen." },
          {
            kind: "details",
            rows: [
              { label: "Buchungsnummer", value: "{reference}" },
              { label: "Datum und Uhrzeit", value: "{date}" },
              { label: "Berater", value: "{consultant}", if: "consultant" },
              { label: "Ort", value: "{location}", if: "location" },
            ],
          },
          { kind: "button", label: "Zum Videotermin", url: "{meeting_url}", if: "meeting_url" },
          { kind: "note", text: "Sie möchten den Termin ändern? Antworten Sie auf diese E-Mail und nennen Sie Ihre Buchungsnummer." },
        ],
        footer: FOOTER.de,
      },
    },
    samples: {
      en: { reference: "BK-1042", date: "Monday, 7 December 2026, 10:00 UTC", name: "Ada Lovelace", consultant: "Grace Hopper", meeting_url: "https://meet.example.com/bk-1042" },
      de: { reference: "BK-1042", date: "Montag, 7. Dezember 2026, 10:00 UTC", name: "Ada Lovelace", consultant: "Grace Hopper", meeting_url: "https://meet.example.com/bk-1042" },
    },
  },
  webinar_registration: {
    description: "Sent when someone registers for a webinar",
    required: ["webinar_title", "date"],
    optional: ["name", "duration", "join_url"],
    languages: {
      en: {
        subject: "Webinar Registration Confirmed - {webinar_title}",
        preheader: "You are registered for {webinar_title} on {date}.",
        blocks: [
          { kind: "paragraph", text: "Hello {name},", if: "name", otherwise: "Hello," },
          { kind: "paragraph", text: "thank you for registering. Your place in the webinar is confirmed." },
          {
            kind: "details",
            rows: [
              { label: "Webinar", value: "{webinar_title}" },
              { label: "Date and time", value: "{date}" },
              { label: "Duration", value: "{duration}", if: "duration" },
            ],
          },
          { kind: "button", label: "Webinar link", url: "{join_url}", if: "join_url" },
          { kind: "note", text: "We will remind you a few days before the webinar starts." },
        ],
        footer: FOOTER.en,
      },
      de: {
        subject: "Webinar-Anmeldung bestätigt - {webinar_title}",
        preheader: "Sie sind für {webinar_title} am {date} angemeldet.",
        blocks: [
          { kind: "paragraph", text: "Guten Tag {name},", if: "name", otherwise: "Guten Tag," },
          { kind: "paragraph", text: "vielen Dank für Ihre Anmeldung. Ihr Platz im Webinar ist bestätigt." },
          {
            kind: "details",
            rows: [
              { label: "Webinar", value: "{webinar_title}" },
              { label: "Datum und Uhrzeit", value: "{date}" },
              { label: "Dauer", value: "{duration}", if: "duration" },
            ],
          },
          { kind: "button", label: "Zum Webinar", url: "{join_url}", if: "join_url" },
          { kind: "note", text: "Wir erinnern Sie einige Tage vor Beginn an das Webinar." },
        ],
        footer: FOOTER.de,
      },
    },
    samples: {
      en: {
        webinar_title: "Automation for SMEs",
        date: "Thursday, 10 December 2026, 16:00 UTC",
        name: "Ada Lovelace",
        duration: "60 minutes",
        join_url: "https://webinar.example.com/automation",
      },
      de: {
        webinar_title: "Automatisierung für KMU",
        date: "Donnerstag, 10. Dezember 2026, 16:00 UTC",
        name: "Ada Lovelace",
        duration: "60 Minuten",
        join_url: "https://webinar.example.com/automation",
      },
    },
  },
  webinar_reminder: {
    description: "Sent 7 and 2 days before a webinar to everyone registered",
    required: ["webinar_title", "when", "date"],
    optional: ["name", "join_url"],
    languages: {
      en: {
        subject: "Webinar Reminder - {webinar_title} starts {when}",
        preheader: "{webinar_title} starts {when}, on {date}.",
        blocks: [
          { kind: "paragraph", text: "Hello {name},", if: "name", otherwise: "Hello," },
          { kind: "paragraph", text: "a quick reminder: the webinar you registered for starts {when}." },
          {
            kind: "details",
            rows: [
              { label: "Webinar", value: "{webinar_title}" },
              { label: "Date and time", value: "{date}" },
            ],
          },
          { kind: "button", label: "Webinar link", url: "{join_url}", if: "join_url" },
        ],
        footer: FOOTER.en,
      },
      de: {
        subject: "Webinar-Erinnerung - {webinar_title} beginnt {when}",
        preheader: "{webinar_title} beginnt {when}, am {date}.",
        blocks: [
          { kind: "paragraph", text: "Guten Tag {name},", if: "name", otherwise: "Guten Tag," },
          { kind: "paragraph", text: "eine kurze Erinnerung: Das Webinar, für das Sie sich angemeldet haben, beginnt {when}." },
          {
            kind: "details",
            rows: [
              { label: "Webinar", value: "{webinar_title}" },
              { label: "Datum und Uhrzeit", value: "{date}" },
            ],
          },
          { kind: "button", label: "Zum Webinar", url: "{join_url}", if: "join_url" },
        ],
        footer: FOOTER.de,
      },
    },
    samples: {
      en: {
        webinar_title: "Automation for SMEs",
        when: "in 7 days",
        date: "Thursday, 10 December 2026, 16:00 UTC",
        name: "Ada Lovelace",
        join_url: "https://webinar.example.com/automation",
      },
      de: {
        webinar_title: "Automatisierung für KMU",
        when: "in 7 Tagen",
        date: "Donnerstag, 10. Dezember 2026, 16:00 UTC",
        name: "Ada Lovelace",
        join_url: "https://webinar.example.com/automation",
      },
    },
  },
  integration_alert: {
    description: "Sent to admins when an integration turns unhealthy or recovers",
    required: ["integration", "status"],
    optional: ["reasons", "details", "dashboard_url", "name"],
    languages: {
      en: {
        subject: "Integration Alert - {integration}: {status}",
        preheader: "{integration} is {status}.",
        blocks: [
          { kind: "paragraph", text: "Hello {name},", if: "name", otherwise: "Hello," },
          { kind: "paragraph", text: "Plugboard noticed a change in the health of an integration." },
          {
            kind: "details",
            rows: [
              { label: "Integration", value: "{integration}" },
              { label: "Status", value: "{status}" },
              { label: "Reasons", value: "{reasons}", if: "reasons" },
            ],
          },
          { kind: "paragraph", text: "{details}", if: "details" },
          { kind: "button", label: "Open the dashboard", url: "{dashboard_url}", if: "dashboard_url" },
        ],
        footer: "You receive this email because you are an admin of this Plugboard workspace.",
      },
      de: {
        subject: "Integrations-Warnung - {integration}: {status}",
        preheader: "{integration} ist {status}.",
        blocks: [
          { kind: "paragraph", text: "Guten Tag {name},", if: "name", otherwise: "Guten Tag," },
          { kind: "paragraph", text: "Plugboard hat eine Änderung im Zustand einer Integration festgestellt." },
          {
            kind: "details",
            rows: [
              { label: "Integration", value: "{integration}" },
              { label: "Status", value: "{status}" },
              { label: "Gründe", value: "{reasons}", if: "reasons" },
            ],
          },
          { kind: "paragraph", text: "{details}", if: "details" },
          { kind: "button", label: "Zum Dashboard", url: "{dashboard_url}", if: "dashboard_url" },
        ],
        footer: "Sie erhalten diese E-Mail, weil Sie Administrator dieses Plugboard-Arbeitsbereichs sind.",
      },
    },
    samples: {
      en: { integration: "Odoo", status: "unhealthy", reasons: "High error rate: 23.0%", name: "Ada Lovelace", dashboard_url: "https://plugboard.example.com/integrations" },
      de: { integration: "Odoo", status: "gestört", reasons: "Hohe Fehlerquote: 23,0 %", name: "Ada Lovelace", dashboard_url: "https://plugboard.example.com/integrations" },
    },
  },
  job_failed: {
    description: "Sent to admins when a scheduled job fails twice in a row (once per streak)",
    required: ["job", "failures", "error"],
    optional: ["schedule", "dashboard_url", "name"],
    languages: {
      en: {
        subject: "Job Failed - {job} failed {failures} times in a row",
        preheader: "The scheduled job {job} keeps failing: {error}",
        blocks: [
          { kind: "paragraph", text: "Hello {name},", if: "name", otherwise: "Hello," },
          {
            kind: "paragraph",
            text: "a scheduled job of Plugboard failed several times in a row. It keeps running on its schedule; you will hear again only after it has succeeded and then fails twice more.",
          },
          {
            kind: "details",
            rows: [
              { label: "Job", value: "{job}" },
              { label: "Schedule", value: "{schedule}", if: "schedule" },
              { label: "Failures in a row", value: "{failures}" },
              { label: "Last error", value: "{error}" },
            ],
          },
          { kind: "button", label: "Open the Jobs page", url: "{dashboard_url}", if: "dashboard_url" },
        ],
        footer: "You receive this email because you are an admin of this Plugboard workspace.",
      },
      de: {
        subject: "Job fehlgeschlagen - {job} ist {failures}-mal in Folge fehlgeschlagen",
        preheader: "Der geplante Job {job} schlägt weiter fehl: {error}",
        blocks: [
          { kind: "paragraph", text: "Guten Tag {name},", if: "name", otherwise: "Guten Tag," },
          {
            kind: "paragraph",
            text: "ein geplanter Job von Plugboard ist mehrmals in Folge fehlgeschlagen. Er läuft weiter nach seinem Zeitplan; Sie hören erst wieder davon, wenn er erfolgreich war und danach erneut zweimal fehlschlägt.",
          },
          {
            kind: "details",
            rows: [
              { label: "Job", value: "{job}" },
              { label: "Zeitplan", value: "{schedule}", if: "schedule" },
              { label: "Fehlschläge in Folge", value: "{failures}" },
              { label: "Letzter Fehler", value: "{error}" },
            ],
          },
          { kind: "button", label: "Zur Jobs-Seite", url: "{dashboard_url}", if: "dashboard_url" },
        ],
        footer: "Sie erhalten diese E-Mail, weil Sie Administrator dieses Plugboard-Arbeitsbereichs sind.",
      },
    },
    samples: {
      en: { job: "sync-leads", failures: "2", error: "Odoo answered 503", schedule: "every 4 hours", name: "Ada Lovelace", dashboard_url: "https://plugboard.example.com/jobs" },
      de: { job: "sync-leads", failures: "2", error: "Odoo antwortete 503", schedule: "alle 4 Stunden", name: "Ada Lovelace", dashboard_url: "https://plugboard.example.com/jobs" },
    },
  },
};
