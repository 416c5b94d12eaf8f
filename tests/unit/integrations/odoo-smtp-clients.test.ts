// The Odoo client against the fake Odoo (no database): the connection test's three steps, the XML-RPC
// paths, faults as categories, and the date format; and how SMTP failures are classified.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classifyOdooError, faultSummary, fromOdooDatetime, odooAdapter, toOdooDatetime } from "@/lib/integrations/odoo/client";
import { classifySmtpError, smtpDefinitelyNotSent, smtpSecurity } from "@/lib/integrations/smtp/client";
import { ProviderError } from "@/lib/integrations/kit/errors";
import { ODOO_LOGIN, startFakeOdoo, type FakeOdoo } from "@/tests/fakes/odoo";

let odoo: FakeOdoo;
const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 5_000 });
const fields = () => ({ url: odoo.url, database: ODOO_LOGIN.database, username: ODOO_LOGIN.username, apiKey: ODOO_LOGIN.apiKey });

async function failure(fn: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await fn();
  } catch (error) {
    return classifyOdooError(error);
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  odoo = await startFakeOdoo({ port: 0 });
});
afterAll(async () => odoo?.close());
beforeEach(() => odoo.reset());

describe("Odoo client", () => {
  it("tests a connection: server version, then authenticate, then the user's name for the card", async () => {
    expect(await odooAdapter.testConnection(fields(), ctx())).toEqual({
      accountLabel: "Mitchell Admin · Odoo 17.0 · plugboard",
      // The server, database and user: connecting the same login again updates its connection.
      accountId: `${odoo.url}/${ODOO_LOGIN.database}#2`,
    });
    expect(odoo.calls.map((c) => `${c.path} ${c.method}${c.op ? ` ${c.model}.${c.op}` : ""}`)).toEqual([
      "/xmlrpc/2/common version",
      "/xmlrpc/2/common authenticate",
      "/xmlrpc/2/object execute_kw res.users.read",
    ]);
  });

  it("keeps a path prefix of the Odoo address", async () => {
    const proxy = http.createServer((req, res) => {
      // An Odoo behind a reverse proxy under /erp.
      const forward = http.request({ host: "127.0.0.1", port: odoo.port, path: req.url!.replace(/^\/erp/, ""), method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", () => resolve()));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/erp/`;
      expect((await odooAdapter.testConnection({ ...fields(), url }, ctx())).accountLabel).toMatch(/^Mitchell Admin/);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("classifies wrong credentials, an unknown database, access rights, validation and unknown models", async () => {
    expect(await failure(() => odooAdapter.testConnection({ ...fields(), apiKey: "wrong" }, ctx()))).toMatchObject({
      category: "auth",
      message: 'Odoo refused the login "admin@plugboard.test" with this API key on database "plugboard"',
    });
    expect(await failure(() => odooAdapter.testConnection({ ...fields(), database: "nope" }, ctx()))).toMatchObject({
      category: "permanent",
      message: expect.stringMatching(/^Odoo has no such database/),
    });
    odoo.faultNext({ faultCode: 4, faultString: "You are not allowed to access 'User' (res.users) records." });
    expect(await failure(() => odooAdapter.testConnection(fields(), ctx()))).toMatchObject({ category: "auth", message: expect.stringMatching(/lacks access rights/) });
    const fault = (faultCode: number, faultString: string) => classifyOdooError(Object.assign(new Error("XML-RPC fault"), { faultCode, faultString }));
    expect(fault(2, "The email is invalid")).toMatchObject({ category: "validation", message: "Odoo rejected the data: The email is invalid" });
    expect(fault(1, "Traceback (most recent call last):\n  File x\nKeyError: 'crm.lead'")).toMatchObject({
      category: "permanent",
      message: "Odoo does not know the model crm.lead (is the app installed?)",
    });
    expect(fault(1, "Traceback\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update")).toMatchObject({ category: "transient" });
    expect(fault(3, "Access Denied")).toMatchObject({ category: "auth" });
    expect(faultSummary("Traceback (most recent call last):\n  File a\nodoo.exceptions.ValidationError: Bad value\n")).toBe("ValidationError: Bad value");
  });

  it("says when the address is not an Odoo XML-RPC endpoint, and when Odoo cannot be reached", async () => {
    const web = http.createServer((req, res) => {
      if (req.url!.startsWith("/missing")) return res.writeHead(404).end("Not Found");
      if (req.url!.startsWith("/busy")) return res.writeHead(503, { "content-type": "text/html" }).end("<html>busy</html>");
      res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome</body></html>");
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", () => resolve()));
    const base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      expect(await failure(() => odooAdapter.testConnection({ ...fields(), url: `${base}/missing` }, ctx()))).toMatchObject({
        category: "permanent",
        statusCode: 404,
        message: expect.stringMatching(/No Odoo XML-RPC endpoint/),
      });
      expect(await failure(() => odooAdapter.testConnection({ ...fields(), url: `${base}/busy` }, ctx()))).toMatchObject({ category: "transient", statusCode: 503 });
      expect(await failure(() => odooAdapter.testConnection({ ...fields(), url: base }, ctx()))).toMatchObject({
        category: "permanent",
        message: expect.stringMatching(/not with Odoo XML-RPC/),
      });
    } finally {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
    }
    odoo.goDown();
    expect(await failure(() => odooAdapter.testConnection(fields(), ctx()))).toMatchObject({ category: "transient", message: expect.stringMatching(/^Could not reach Odoo/) });
  });

  it("writes datetimes the way Odoo takes them: UTC, 'YYYY-MM-DD HH:MM:SS'", () => {
    const date = new Date("2026-12-10T17:30:05.123+01:00");
    expect(toOdooDatetime(date)).toBe("2026-12-10 16:30:05");
    expect(fromOdooDatetime("2026-12-10 16:30:05")?.toISOString()).toBe("2026-12-10T16:30:05.000Z");
    expect(fromOdooDatetime(false)).toBeNull();
  });
});

describe("SMTP errors", () => {
  const smtp = (props: Record<string, unknown>) => Object.assign(new Error(String(props.response ?? props.message ?? "x")), props);
  it("maps reply codes and nodemailer codes onto categories, and knows when nothing was sent", () => {
    expect(classifySmtpError(smtp({ code: "EAUTH", responseCode: 535, response: "535 5.7.8 Authentication failed" }))).toMatchObject({ category: "auth" });
    expect(classifySmtpError(smtp({ code: "EMESSAGE", responseCode: 451, response: "451 try later" }))).toMatchObject({ category: "transient" });
    expect(classifySmtpError(smtp({ code: "EENVELOPE", responseCode: 550, response: "550 no such user" }))).toMatchObject({ category: "validation" });
    expect(classifySmtpError(smtp({ code: "ECONNECTION", message: "connect ECONNREFUSED 127.0.0.1:1" }))).toMatchObject({
      category: "transient",
      message: expect.stringMatching(/Could not reach the SMTP server/),
    });
    expect(classifySmtpError(smtp({ code: "ESOCKET", message: "self-signed certificate" }))).toMatchObject({
      category: "permanent",
      message: expect.stringMatching(/TLS connection/),
    });
    expect(smtpDefinitelyNotSent(smtp({ responseCode: 550 }))).toBe(true);
    expect(smtpDefinitelyNotSent(smtp({ code: "ECONNECTION", message: "connect ECONNREFUSED 127.0.0.1:1" }))).toBe(true);
    expect(smtpDefinitelyNotSent(smtp({ code: "ETIMEDOUT", message: "Timeout" }))).toBe(false);
  });

  it("picks the encryption from the field, else from the port", () => {
    expect(smtpSecurity({ port: "465" })).toBe("tls");
    expect(smtpSecurity({ port: "587" })).toBe("starttls");
    expect(smtpSecurity({ port: "465", security: "none" })).toBe("none");
  });
});
