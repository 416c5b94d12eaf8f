// Where the login page sends the browser after signing in: only paths on this site. Every known
// open-redirect trick falls back to the dashboard.
import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";

const ORIGIN = "https://plugboard.example.com";

describe("safeCallbackPath", () => {
  it("keeps paths on this site, with their query and fragment", () => {
    expect(safeCallbackPath("/integrations", ORIGIN)).toBe("/integrations");
    expect(safeCallbackPath("/webhooks/abc?tab=deliveries#last", ORIGIN)).toBe("/webhooks/abc?tab=deliveries#last");
    expect(safeCallbackPath(`${ORIGIN}/health?x=1`, ORIGIN)).toBe("/health?x=1");
    expect(safeCallbackPath("/calendar", undefined)).toBe("/calendar");
    // Dot segments are resolved; an encoded slash is not a separator. Both stay on this site.
    expect(safeCallbackPath("/a/../leads", ORIGIN)).toBe("/leads");
    expect(safeCallbackPath("/%2F/evil.example", ORIGIN)).toBe("/%2F/evil.example");
  });

  it.each([
    // Decoded forms of what arrives in ?callbackUrl=… (the reported bypass was %2F%09%2Fevil.example%2F).
    "/\t/evil.example/",
    "/\r/evil.example/",
    "/\n/evil.example/",
    "\t//evil.example",
    "/\u0000/evil.example",
    "/\u007f/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http://plugboard.example.com/",
    "https://plugboard.example.com.evil.example/",
    "https://plugboard.example.com@evil.example/",
    "//plugboard.example.com@evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:a@b.c",
    "evil.example",
    "integrations",
    " //evil.example",
    "",
    "/login",
    "/login?callbackUrl=/x",
    "/login/",
  ])("refuses %j", (candidate) => {
    expect(safeCallbackPath(candidate, ORIGIN)).toBe("/integrations");
  });

  it("refuses other origins even without knowing its own", () => {
    expect(safeCallbackPath("https://evil.example/x")).toBe("/integrations");
    expect(safeCallbackPath("//evil.example/x")).toBe("/integrations");
  });
});
