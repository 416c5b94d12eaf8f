import { describe, expect, it } from "vitest";
import { isPublicPath } from "@/proxy";

describe("public paths", () => {
  it("opens only the listed pages and routes", () => {
    for (const path of ["/login", "/setup", "/api/health", "/api/setup", "/api/auth/session", "/api/webhooks/stripe", "/api/mailchimp/webhooks", "/api/cron/prune"]) {
      expect(isPublicPath(path), path).toBe(true);
    }
  });

  it("does not open look-alikes or anything below an exact entry", () => {
    for (const path of [
      "/api/health/integrations",
      "/api/healthz",
      "/setup-admin",
      "/login/../integrations",
      "/api/setupx",
      "/api/webhooks",
      "/api/mailchimp/webhooks/x",
      "/api/cronjob",
      "/integrations",
      "/api/integrations",
    ]) {
      expect(isPublicPath(path), path).toBe(false);
    }
  });
});
