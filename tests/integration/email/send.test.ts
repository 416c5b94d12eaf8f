// sendTemplateEmail end to end: SendGrid through its SDK against the fake API (checked in
// SendGrid's request format), SMTP through nodemailer against a real local SMTP server, the choice
// of provider, and graceful failures.
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { sendTemplateEmail } from "@/lib/email";
import { connectApiKey } from "@/lib/connections/api-key";
import { deliveredMail, SENDGRID_KEYS } from "@/tests/fakes/sendgrid";
import { SMTP_LOGIN } from "@/tests/fakes/smtp";
import { rejection, signedIn, useHarness } from "@/tests/integration/integrations/setup";

const h = useHarness();

const HOSTILE = `<script>alert("x")</script> & Co`;

async function withSendGrid(user: SessionUser) {
  await connectApiKey(user, "sendgrid", { apiKey: SENDGRID_KEYS.valid, fromEmail: "events@plugboard.test", fromName: "Plugboard Events" });
}

async function withSmtp(user: SessionUser, extra: Record<string, string> = {}) {
  await connectApiKey(user, "smtp", {
    host: "127.0.0.1",
    port: String(h.fakes.smtp.port),
    security: "none",
    username: SMTP_LOGIN.username,
    password: SMTP_LOGIN.password,
    fromEmail: "events@plugboard.test",
    fromName: "Plugboard Events",
    ...extra,
  });
}

const registration = (language: "en" | "de") => ({
  template: "webinar_registration" as const,
  language,
  values: { name: HOSTILE, webinar_title: "Automatisierung für KMU", date: "Donnerstag, 10. Dezember 2026, 16:00 UTC", join_url: "https://webinar.example.com/a?b=1&c=2" },
});

describe("sending through SendGrid", () => {
  it("posts SendGrid's mail/send format: a copy per recipient, exact subject, text then HTML, values escaped in HTML only", async () => {
    const user = await signedIn(h.t.db);
    await withSendGrid(user);
    const result = await sendTemplateEmail(user.workspaceId, { to: ["ada@example.test", "grace@example.test"], ...registration("de") }, { actor: "test" });
    expect(result).toEqual({ ok: true, provider: "sendgrid", messageId: "fake1" });

    const request = h.fakes.sendgrid.requests.find((r) => r.path === "/v3/mail/send")!;
    expect(request.headers.authorization).toBe(`Bearer ${SENDGRID_KEYS.valid}`);
    const body = JSON.parse(request.body);
    expect(body.content.map((c: { type: string }) => c.type)).toEqual(["text/plain", "text/html"]);
    expect(body.personalizations).toHaveLength(2);

    const copies = deliveredMail(h.fakes.sendgrid.sent);
    expect(copies.map((c) => c.to)).toEqual(["ada@example.test", "grace@example.test"]);
    for (const copy of copies) {
      expect(copy.subject).toBe("Webinar-Anmeldung bestätigt - Automatisierung für KMU");
      expect(copy.from).toEqual({ email: "events@plugboard.test", name: "Plugboard Events" });
      expect(copy.categories).toEqual(["webinar_registration"]);
      expect(copy.text).toContain(`Guten Tag ${HOSTILE},`);
      expect(copy.text).toContain("Zum Webinar: https://webinar.example.com/a?b=1&c=2");
      expect(copy.html).toContain("Guten Tag &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co,");
      expect(copy.html).not.toContain("<script>");
      expect(copy.html).toContain('href="https://webinar.example.com/a?b=1&amp;c=2"');
    }
    const activity = await h.t.db.integrationActivity.findFirstOrThrow({ where: { providerId: "sendgrid", operation: "email.send.webinar_registration" } });
    expect(activity).toMatchObject({ outcome: "success", actor: "test" });
  });

  it("fails gracefully: SendGrid down is transient (retried), with the delivery known not to have happened", async () => {
    const user = await signedIn(h.t.db);
    await withSendGrid(user);
    h.fakes.sendgrid.failNext({ status: 503 }, 3);
    const result = await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en") });
    expect(result).toMatchObject({ ok: false, category: "transient", gracefulFail: true, provider: "sendgrid", delivery: "not_sent" });
    expect(h.fakes.sendgrid.requests.filter((r) => r.path === "/v3/mail/send")).toHaveLength(3);
    expect(h.fakes.sendgrid.sent).toHaveLength(0);
  });
});

describe("sending through SMTP", () => {
  it("delivers to a real SMTP server: recipients, subject, both parts, escaping, sender", async () => {
    const user = await signedIn(h.t.db);
    await withSmtp(user);
    const result = await sendTemplateEmail(user.workspaceId, { to: ["ada@example.test", "grace@example.test"], ...registration("de") });
    expect(result).toMatchObject({ ok: true, provider: "smtp", messageId: expect.stringMatching(/@/) });

    const received = h.fakes.smtp.received;
    // One message per recipient: nobody sees the other address.
    expect(received.map((m) => m.to)).toEqual([["ada@example.test"], ["grace@example.test"]]);
    expect(h.fakes.smtp.logins).toContain(SMTP_LOGIN.username);
    for (const mail of received) {
      expect(mail.from).toBe("events@plugboard.test");
      expect(mail.headers.from).toMatch(/Plugboard Events.*<events@plugboard\.test>/);
      expect(mail.headers["x-plugboard-template"]).toBe("webinar_registration");
      expect(mail.subject).toBe("Webinar-Anmeldung bestätigt - Automatisierung für KMU");
      expect(mail.headers["content-type"]).toMatch(/multipart\/alternative/);
      expect(mail.text).toContain(`Guten Tag ${HOSTILE},`);
      expect(mail.text).toContain("vielen Dank für Ihre Anmeldung");
      expect(mail.html).toContain("Guten Tag &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co,");
      expect(mail.html).not.toContain("<script>");
      expect(mail.html).toContain('<html lang="de">');
    }
  });

  it("sends the English version in English", async () => {
    const user = await signedIn(h.t.db);
    await withSmtp(user);
    await sendTemplateEmail(user.workspaceId, {
      to: "ada@example.test",
      template: "booking_confirmation",
      language: "en",
      values: { reference: "BK-1042", date: "Monday, 7 December 2026, 10:00 UTC", name: "Ada" },
    });
    const [mail] = h.fakes.smtp.received;
    expect(mail!.subject).toBe("Consultation Confirmed - BK-1042");
    expect(mail!.text).toContain("Booking reference: BK-1042");
    expect(mail!.html).toContain("your consultation is confirmed");
  });

  it("checks the login when connecting, and says what is wrong", async () => {
    const user = await signedIn(h.t.db);
    const wrong = await rejection(withSmtp(user, { password: "not the password" }));
    expect(wrong.status).toBe(422);
    expect(wrong.message).toMatch(/refused the login/);
    expect(wrong.message).not.toContain("not the password");
    // STARTTLS required but the server's certificate is self-signed: a clear TLS message.
    const tls = await rejection(withSmtp(user, { security: "starttls" }));
    expect(tls.status).toBe(422);
    expect(tls.message).toMatch(/TLS connection to the SMTP server failed/);
    await withSmtp(user);
    const connection = await h.t.db.connection.findFirstOrThrow({ where: { workspaceId: user.workspaceId, providerId: "smtp" } });
    expect(connection.accountLabel).toBe(`SMTP · ${SMTP_LOGIN.username} @ 127.0.0.1:${h.fakes.smtp.port} · no encryption`);
  });

  it("reports a refused recipient as a validation failure that was not sent", async () => {
    const user = await signedIn(h.t.db);
    await withSmtp(user);
    h.fakes.smtp.rejectNext(550, "Mailbox unavailable");
    const result = await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en") });
    expect(result).toMatchObject({ ok: false, category: "validation", provider: "smtp", delivery: "not_sent" });
    expect(result.ok === false && result.message).toMatch(/550.*Mailbox unavailable/);
  });
});

describe("choosing the provider and failing gracefully", () => {
  it("prefers SendGrid, and uses SMTP when SendGrid needs reconnecting", async () => {
    const user = await signedIn(h.t.db);
    await withSendGrid(user);
    await withSmtp(user);
    expect(await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en") })).toMatchObject({ ok: true, provider: "sendgrid" });
    await h.t.db.connection.updateMany({ where: { workspaceId: user.workspaceId, providerId: "sendgrid" }, data: { needsReauth: true, status: "error" } });
    expect(await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en") })).toMatchObject({ ok: true, provider: "smtp" });
  });

  it("answers a result, never an exception, for every way it can fail", async () => {
    const user = await signedIn(h.t.db);
    expect(await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en") })).toMatchObject({
      ok: false,
      category: "permanent",
      message: expect.stringMatching(/No email provider is connected/),
    });
    await withSmtp(user);
    const language = await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en"), language: "fr" as "en" });
    expect(language).toMatchObject({ ok: false, category: "validation", message: expect.stringMatching(/no "fr" version; it exists in en \(English\), de \(German\)/) });
    const template = await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en"), template: "newsletter" as "webinar_registration" });
    expect(template).toMatchObject({ ok: false, category: "validation", message: expect.stringMatching(/Unknown email template "newsletter"/) });
    const missing = await sendTemplateEmail(user.workspaceId, { to: "ada@example.test", ...registration("en"), values: { webinar_title: "x" } });
    expect(missing).toMatchObject({ ok: false, category: "validation", message: expect.stringMatching(/needs the value date/) });
    const address = await sendTemplateEmail(user.workspaceId, { ...registration("en"), to: "not-an-address" });
    expect(address).toMatchObject({ ok: false, category: "validation", message: expect.stringMatching(/Not an email address/) });
    expect(h.fakes.smtp.received).toHaveLength(0);
  });
});
