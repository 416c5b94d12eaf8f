// What next-auth would answer with a 500 ("problem with the server configuration") gets a 400 in
// front of it; what next-auth itself sends (its baseUrl cookie, paths on this site) passes.
import { describe, expect, it } from "vitest";
import { nextAuthRequestProblem } from "@/lib/auth/next-auth-request";

const ORIGIN = "https://plugboard.example.com";
const at = (path: string, init?: RequestInit) => new Request(`${ORIGIN}${path}`, init);

describe("requests next-auth should not see", () => {
  it.each(["\\\\evil.example", "/\\evil.example", "//evil.example", "/\n/evil.example", "\u0000", "%ff", "javascript:alert(1)", "http://evil.example/", ""])(
    "refuses callbackUrl %j in the query",
    async (callbackUrl) => {
      const problem = await nextAuthRequestProblem(at(`/api/auth/session?callbackUrl=${encodeURIComponent(callbackUrl)}`), [ORIGIN]);
      expect(problem?.error).toMatch(/callbackUrl must be a path on this site/);
    },
  );

  it("lets through paths and URLs on this site, on any of its origins", async () => {
    for (const callbackUrl of ["/integrations", "/webhooks/abc?tab=1", ORIGIN, `${ORIGIN}/leads`, "http://localhost:3000/health"]) {
      expect(await nextAuthRequestProblem(at(`/api/auth/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`), [ORIGIN, "http://localhost:3000"])).toBeNull();
    }
    expect(await nextAuthRequestProblem(at("/api/auth/session"), [ORIGIN])).toBeNull();
  });

  it("clears a callback-url cookie that is not on this site, and keeps next-auth's own", async () => {
    const bad = await nextAuthRequestProblem(at("/api/auth/session", { headers: { cookie: `a=1; __Secure-next-auth.callback-url=${encodeURIComponent("\\\\evil.example")}` } }), [
      ORIGIN,
    ]);
    expect(bad?.clearCookies).toEqual(["__Secure-next-auth.callback-url"]);
    // next-auth stores its baseUrl, without a trailing slash.
    const own = await nextAuthRequestProblem(at("/api/auth/session", { headers: { cookie: `next-auth.callback-url=${encodeURIComponent(ORIGIN)}; x=%ff` } }), [ORIGIN]);
    expect(own).toBeNull();
  });

  it("refuses a JSON body that does not parse, and only that", async () => {
    const post = (body: string, type = "application/json") => at("/api/auth/callback/credentials", { method: "POST", headers: { "content-type": type }, body });
    expect((await nextAuthRequestProblem(post("{"), [ORIGIN]))?.error).toMatch(/not valid JSON/);
    expect(await nextAuthRequestProblem(post('{"email":"a@b.c"}'), [ORIGIN])).toBeNull();
    expect(await nextAuthRequestProblem(post("email=a%40b.c", "application/x-www-form-urlencoded"), [ORIGIN])).toBeNull();
  });
});
