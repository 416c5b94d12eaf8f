// The cross-site check in front of every change: same-origin Origin, or Sec-Fetch-Site when a
// browser sends no Origin; webhooks, cron and next-auth keep their own checks.
import { describe, expect, it } from "vitest";
import { crossSiteProblem } from "@/lib/http/same-origin";

const req = (method: string, path: string, headers: Record<string, string> = {}) => ({ method, url: `http://127.0.0.1:3000${path}`, headers: new Headers(headers) });

describe("crossSiteProblem", () => {
  it("lets reads through and same-origin changes (by Origin, the public URL or Sec-Fetch-Site)", () => {
    expect(crossSiteProblem(req("GET", "/api/leads", { origin: "http://evil.example" }))).toBeNull();
    expect(crossSiteProblem(req("POST", "/api/leads", { origin: "http://127.0.0.1:3000" }))).toBeNull();
    expect(crossSiteProblem(req("POST", "/api/leads", { origin: "https://plugboard.acme.test" }), "https://plugboard.acme.test/")).toBeNull();
    expect(crossSiteProblem(req("DELETE", "/api/integrations/stripe", { "sec-fetch-site": "same-origin" }))).toBeNull();
  });

  it("refuses other sites, null origins, look-alikes and requests that say nothing", () => {
    for (const headers of <Record<string, string>[]>[
      { origin: "http://evil.example" },
      { origin: "null" },
      { origin: "http://127.0.0.1:3000.evil.example" },
      { origin: "http://127.0.0.1:3001" },
      { origin: "https://127.0.0.1:3000" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      // An Origin decides even when Sec-Fetch-Site claims same-origin.
      { origin: "http://evil.example", "sec-fetch-site": "same-origin" },
      {},
    ]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"])
        expect(crossSiteProblem(req(method, "/api/leads", headers), "https://plugboard.acme.test"), JSON.stringify(headers)).toMatch(/^Refused: /);
    }
  });

  it("leaves provider webhooks, cron routes and next-auth to their own checks", () => {
    for (const path of ["/api/webhooks/stripe", "/api/mailchimp/webhooks", "/api/cron/prune", "/api/auth/callback/credentials"]) {
      expect(crossSiteProblem(req("POST", path, { origin: "http://evil.example" })), path).toBeNull();
    }
    expect(crossSiteProblem(req("POST", "/api/webhooks-endpoints", { origin: "http://evil.example" }))).toMatch(/^Refused/);
    expect(crossSiteProblem(req("POST", "/api/mailchimp/webhooks/x", { origin: "http://evil.example" }))).toMatch(/^Refused/);
  });
});
