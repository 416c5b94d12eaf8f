// The multipart/mixed builder and parser for Google's batch endpoint, on the wire format
// Google documents (CRLF line breaks, application/http parts, Content-ID: <response-…>).
import { describe, expect, it } from "vitest";
import { boundaryOf, buildBatchBody, matchResponses, multipartParts, parseBatchResponse, type BatchRequestPart } from "@/lib/integrations/google-calendar/batch";

const parts: BatchRequestPart[] = [
  { id: "item-0", method: "POST", path: "/calendar/v3/calendars/primary/events?conferenceDataVersion=1", body: { summary: "Café ☕" } },
  { id: "item-1", method: "DELETE", path: "/calendar/v3/calendars/primary/events/abc" },
];

describe("Google batch body", () => {
  it("writes one application/http part per call, with the JSON body and its byte length", () => {
    const body = buildBatchBody(parts, "batch_x");
    expect(body).toBe(
      [
        "--batch_x",
        "Content-Type: application/http",
        "Content-ID: <item-0>",
        "",
        "POST /calendar/v3/calendars/primary/events?conferenceDataVersion=1 HTTP/1.1",
        "Content-Type: application/json; charset=UTF-8",
        `Content-Length: ${Buffer.byteLength('{"summary":"Café ☕"}')}`,
        "",
        '{"summary":"Café ☕"}',
        "--batch_x",
        "Content-Type: application/http",
        "Content-ID: <item-1>",
        "",
        "DELETE /calendar/v3/calendars/primary/events/abc HTTP/1.1",
        "",
        "",
        "--batch_x--",
        "",
      ].join("\r\n"),
    );
  });

  it("refuses full URLs, line breaks and bad boundaries", () => {
    expect(() => buildBatchBody([{ ...parts[1]!, path: "https://x/calendar" }], "b")).toThrow(/must start with/);
    expect(() => buildBatchBody([{ ...parts[1]!, path: "/a\r\nX: y" }], "b")).toThrow(/line breaks/);
    expect(() => buildBatchBody(parts, "bad boundary;")).toThrow(/boundary/);
  });
});

describe("Google batch answer", () => {
  const answer = [
    "--batch_pK7JBAk73-E=_AA5eFwv4m2Q=",
    "Content-Type: application/http",
    "Content-ID: <response-item-1>",
    "",
    "HTTP/1.1 204 No Content",
    "Content-Length: 0",
    "",
    "",
    "--batch_pK7JBAk73-E=_AA5eFwv4m2Q=",
    "Content-Type: application/http",
    "Content-ID: <response-item-0>",
    "",
    "HTTP/1.1 429 Too Many Requests",
    "Retry-After: 7",
    "Content-Type: application/json; charset=UTF-8",
    "",
    '{"error":{"code":429,"message":"Rate Limit Exceeded","errors":[{"reason":"rateLimitExceeded"}]}}',
    "--batch_pK7JBAk73-E=_AA5eFwv4m2Q=--",
    "",
  ].join("\r\n");
  const contentType = 'multipart/mixed; boundary="batch_pK7JBAk73-E=_AA5eFwv4m2Q="';

  it("reads the boundary, quoted or not", () => {
    expect(boundaryOf(contentType)).toBe("batch_pK7JBAk73-E=_AA5eFwv4m2Q=");
    expect(boundaryOf("multipart/mixed; boundary=abc; charset=x")).toBe("abc");
    expect(boundaryOf("application/json")).toBeNull();
  });

  it("parses status, headers and JSON body of each part, and matches them by Content-ID", () => {
    const parsed = parseBatchResponse(answer, contentType);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ id: "item-1", status: 204, body: "" });
    expect(parsed[1]).toMatchObject({ id: "item-0", status: 429, headers: { "retry-after": "7" }, body: { error: { code: 429 } } });
    const matched = matchResponses(parts, parsed);
    expect(matched.map((m) => m.status)).toEqual([429, 204]);
  });

  it("accepts bare LF line breaks, and answers a missing part with a synthetic 500", () => {
    const lf = answer.replace(/\r\n/g, "\n");
    const parsed = parseBatchResponse(lf, contentType);
    expect(parsed.map((p) => p.status)).toEqual([204, 429]);
    const matched = matchResponses([...parts, { id: "item-2", method: "GET", path: "/x" }], parsed);
    expect(matched[2]).toMatchObject({ id: "item-2", status: 500 });
  });

  it("splits only at delimiter lines (RFC 2046): the boundary inside a line is content, padding after a delimiter is allowed", () => {
    const b = "batch_x";
    const body = [
      "preamble mentioning --batch_x in passing",
      "--batch_x  ",
      "Content-Type: application/http",
      "",
      "HTTP/1.1 200 OK",
      "",
      '{"summary":"ends with --batch_x","note":"--batch_x--"}',
      "--batch_x",
      "second",
      "--batch_xy is another boundary",
      "--batch_x--",
      "epilogue",
    ].join("\r\n");
    expect(multipartParts(body, b)).toEqual([
      'Content-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{"summary":"ends with --batch_x","note":"--batch_x--"}',
      "second\r\n--batch_xy is another boundary",
    ]);
    // Regular-expression characters in a boundary are taken literally.
    expect(multipartParts("--a.b+c\r\none\r\n--a.b+c--", "a.b+c")).toEqual(["one"]);
    expect(multipartParts("--aXbXc\r\none\r\n--aXbXc--", "a.b+c")).toEqual([]);
  });

  it("refuses an answer that is not multipart", () => {
    expect(() => parseBatchResponse("{}", "application/json")).toThrow(/not multipart/);
  });
});
