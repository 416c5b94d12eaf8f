// Start-up refuses configurations that would be unsafe, with a message naming what to set.
import crypto from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { checkConfiguration } from "@/lib/startup";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

function withEnv(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
}

describe("start-up configuration checks", () => {
  it("passes with a database URL, a key and a session secret", () => {
    withEnv({ DATABASE_URL: "postgresql://db.example.test/app", TOKEN_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"), NEXTAUTH_SECRET: "x".repeat(40) });
    expect(() => checkConfiguration()).not.toThrow();
  });

  it("stops without an encryption key when a real database is configured", () => {
    withEnv({ DATABASE_URL: "postgresql://db.example.test/app", TOKEN_ENCRYPTION_KEY: undefined, NEXTAUTH_SECRET: "x".repeat(40) });
    expect(() => checkConfiguration()).toThrow(/TOKEN_ENCRYPTION_KEY is not set/);
  });

  it("stops on a malformed key without echoing it", () => {
    withEnv({ DATABASE_URL: "postgresql://db.example.test/app", TOKEN_ENCRYPTION_KEY: "hunter2hunter2", NEXTAUTH_SECRET: "x".repeat(40) });
    expect(() => checkConfiguration()).toThrow(/32 random bytes in base64/);
    try {
      checkConfiguration();
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
  });

  it("stops without a long enough session secret", () => {
    withEnv({ DATABASE_URL: "postgresql://db.example.test/app", TOKEN_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"), NEXTAUTH_SECRET: "short" });
    expect(() => checkConfiguration()).toThrow(/NEXTAUTH_SECRET/);
  });

  it("names a malformed setting", () => {
    withEnv({ PIPELINE_MAX_ATTEMPTS: "many" });
    expect(() => checkConfiguration()).toThrow(/PIPELINE_MAX_ATTEMPTS/);
  });
});
