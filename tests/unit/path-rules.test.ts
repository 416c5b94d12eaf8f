import { describe, expect, it } from "vitest";
import { pathProblem } from "@/lib/http/path-rules";

describe("paths no route can serve", () => {
  it("refuses malformed percent-encoding and control characters, in any segment", () => {
    for (const path of [
      "/api/connections/%ff",
      "/api/cron/%C0%AF",
      "/api/webhooks/stripe/%E2%80",
      "/api/x/%",
      "/api/connections/%00",
      "/api/a/b%0Ac",
      "/api/a/%7F",
      "/login/%1b",
    ]) {
      expect(pathProblem(path), path).not.toBeNull();
    }
    expect(pathProblem("/api/connections/%ff")).toMatch(/percent-encoded/);
    expect(pathProblem("/api/connections/%00")).toMatch(/control character/);
  });

  it("lets through every ordinary path, encoded or not", () => {
    for (const path of ["/", "/api/connections/cm1abc", "/api/webhooks/stripe", "/api/x/caf%C3%A9", "/webhooks/%E2%80%AE", "/api/a%20b", "/api/%25", "/api/webhooks/mailchimp"]) {
      expect(pathProblem(path), path).toBeNull();
    }
  });
});
