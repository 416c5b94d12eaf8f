// The templates: exact subjects in both languages, both parts from the same content, escaping,
// and clear errors for a missing template, language or value.
import { describe, expect, it } from "vitest";
import { EmailTemplateError, formatEmailDate, formatInDays, renderTemplate, sampleValues } from "@/lib/email/render";
import { EMAIL_LANGUAGES, EMAIL_TEMPLATES, TEMPLATES } from "@/lib/email/templates";

const SUBJECTS = {
  booking_confirmation: { en: "Consultation Confirmed - BK-1", de: "Beratungstermin bestätigt - BK-1" },
  webinar_registration: { en: "Webinar Registration Confirmed - Intro", de: "Webinar-Anmeldung bestätigt - Intro" },
  webinar_reminder: { en: "Webinar Reminder - Intro starts in 2 days", de: "Webinar-Erinnerung - Intro beginnt in 2 Tagen" },
  integration_alert: { en: "Integration Alert - Odoo: unhealthy", de: "Integrations-Warnung - Odoo: unhealthy" },
  job_failed: { en: "Job Failed - prune failed 2 times in a row", de: "Job fehlgeschlagen - prune ist 2-mal in Folge fehlgeschlagen" },
};

const VALUES = { reference: "BK-1", date: "d", webinar_title: "Intro", integration: "Odoo", status: "unhealthy", job: "prune", failures: "2", error: "boom" };

describe("email templates", () => {
  it("has every template in English and German with the subjects the product promises", () => {
    for (const template of EMAIL_TEMPLATES) {
      for (const language of EMAIL_LANGUAGES) {
        const when = formatInDays(2, language);
        const rendered = renderTemplate(template, language, { ...VALUES, when });
        expect(rendered.subject, `${template}/${language}`).toBe(SUBJECTS[template][language]);
        expect(rendered.html).toContain(`<html lang="${language}">`);
        expect(rendered.text.length).toBeGreaterThan(40);
      }
    }
  });

  it("renders the sample values of every template and language (what the dashboard previews)", () => {
    for (const template of EMAIL_TEMPLATES) {
      for (const language of EMAIL_LANGUAGES) {
        const values = sampleValues(template, language);
        for (const key of TEMPLATES[template].required) expect(values[key], `${template}/${language}.${key}`).toBeTruthy();
        const rendered = renderTemplate(template, language, values);
        // Every value shows up in both parts: they come from the same blocks.
        for (const value of Object.values(values)) {
          expect(rendered.text, `${template}/${language} text`).toContain(value);
        }
      }
    }
  });

  it("escapes values in the HTML part, leaves the text part as written, and keeps the subject on one line", () => {
    const rendered = renderTemplate("webinar_registration", "en", { webinar_title: `<img src=x onerror="alert(1)">\r\nBcc: victim@example.com`, date: "d & e", name: "O'Brien" });
    expect(rendered.subject).toBe(`Webinar Registration Confirmed - <img src=x onerror="alert(1)"> Bcc: victim@example.com`);
    expect(rendered.html).not.toContain("<img");
    expect(rendered.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(rendered.html).toContain("d &amp; e");
    expect(rendered.html).toContain("Hello O&#39;Brien,");
    expect(rendered.text).toContain(`Webinar: <img src=x onerror="alert(1)">`);
    expect(rendered.text).toContain("Hello O'Brien,");
  });

  it("shows optional parts only when their value is given", () => {
    const without = renderTemplate("booking_confirmation", "en", { reference: "BK-1", date: "d" });
    expect(without.text).toMatch(/^Hello,$/m);
    expect(without.text).not.toContain("Consultant");
    expect(without.html).not.toContain("<a ");
    const withAll = renderTemplate("booking_confirmation", "en", { reference: "BK-1", date: "d", name: "Ada", consultant: "Grace", meeting_url: "https://meet.example.com/x" });
    expect(withAll.text).toContain("Hello Ada,");
    expect(withAll.text).toContain("Consultant: Grace");
    expect(withAll.text).toContain("Join the video call: https://meet.example.com/x");
    expect(withAll.html).toContain('href="https://meet.example.com/x"');
  });

  it("says clearly what is missing or unknown", () => {
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(EmailTemplateError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(error(() => renderTemplate("welcome", "en", {}))).toBe(
      'Unknown email template "welcome"; the templates are booking_confirmation, webinar_registration, webinar_reminder, integration_alert, job_failed',
    );
    expect(error(() => renderTemplate("webinar_reminder", "fr", VALUES))).toBe('The email template "webinar_reminder" has no "fr" version; it exists in en (English), de (German)');
    expect(error(() => renderTemplate("webinar_reminder", "en", { webinar_title: "x" }))).toBe('The email template "webinar_reminder" needs the values when, date');
    expect(error(() => renderTemplate("webinar_registration", "en", { webinar_title: "x", date: "d", join_url: "javascript:alert(1)" }))).toBe(
      "The value join_url must be an http(s) address",
    );
  });

  it("formats dates and day counts for each language, in UTC", () => {
    const date = new Date("2026-12-05T10:00:00Z");
    expect(formatEmailDate(date, "en")).toBe("Saturday, 5 December 2026, 10:00 UTC");
    expect(formatEmailDate(date, "de")).toBe("Samstag, 5. Dezember 2026, 10:00 UTC");
    expect(formatInDays(7, "en")).toBe("in 7 days");
    expect(formatInDays(2, "de")).toBe("in 2 Tagen");
  });
});
