import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completeSetup, issueSetupToken, setupIsOpen } from "@/lib/auth/setup";
import { signInWithPassword, WRONG_CREDENTIALS } from "@/lib/auth/sign-in";
import { createUserWithWorkspace } from "@/lib/auth/users";
import { ApiError } from "@/lib/http/api";
import { createTestDatabase, truncateAll, type TestDatabase } from "@/tests/helpers/db";
import { createUser, createWorkspace } from "@/tests/helpers/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => truncateAll(t.db));

const setupInput = (token: string, email = "owner@acme.test") => ({
  token,
  email,
  password: "a long enough password",
  workspaceName: "Acme",
});

describe("sign-in", () => {
  it("accepts the right password and says the same thing for a wrong password and an unknown account", async () => {
    const ws = await createWorkspace(t.db);
    await createUser(t.db, { workspaceId: ws.id, email: "ada@acme.test", password: "correct horse battery staple" });
    const ok = await signInWithPassword(t.db, " ADA@acme.test ", "correct horse battery staple", "10.0.0.1");
    expect(ok).toMatchObject({ ok: true, user: { email: "ada@acme.test", role: "admin", workspaceId: ws.id } });
    expect(await signInWithPassword(t.db, "ada@acme.test", "wrong", "10.0.0.1")).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    expect(await signInWithPassword(t.db, "nobody@acme.test", "wrong", "10.0.0.1")).toEqual({ ok: false, message: WRONG_CREDENTIALS });
  });

  it("locks an account after 5 failures, even with the right password, from any address", async () => {
    const ws = await createWorkspace(t.db);
    await createUser(t.db, { workspaceId: ws.id, email: "ada@acme.test", password: "correct horse battery staple" });
    for (let i = 0; i < 5; i++) await signInWithPassword(t.db, "ada@acme.test", "wrong", `10.0.0.${i}`);
    const locked = await signInWithPassword(t.db, "ada@acme.test", "correct horse battery staple", "10.9.9.9");
    expect(locked.ok).toBe(false);
    expect(locked).toMatchObject({ message: expect.stringMatching(/Too many sign-in attempts\. Try again in \d+ minutes?/) });
    // Another account is not affected.
    await createUser(t.db, { workspaceId: ws.id, email: "bob@acme.test", password: "correct horse battery staple" });
    expect((await signInWithPassword(t.db, "bob@acme.test", "correct horse battery staple", "10.9.9.9")).ok).toBe(true);
  });

  it("limits one address trying many accounts", async () => {
    const ws = await createWorkspace(t.db);
    await createUser(t.db, { workspaceId: ws.id, email: "ada@acme.test", password: "correct horse battery staple" });
    for (let i = 0; i < 20; i++) await signInWithPassword(t.db, `guess${i}@acme.test`, "wrong", "203.0.113.7");
    expect((await signInWithPassword(t.db, "ada@acme.test", "correct horse battery staple", "203.0.113.7")).ok).toBe(false);
    expect((await signInWithPassword(t.db, "ada@acme.test", "correct horse battery staple", "198.51.100.1")).ok).toBe(true);
  });

  it("checks at most 5 of 50 concurrent wrong passwords on one account", async () => {
    const ws = await createWorkspace(t.db);
    await createUser(t.db, { workspaceId: ws.id, email: "ada@acme.test", password: "correct horse battery staple" });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => signInWithPassword(t.db, "ada@acme.test", `wrong ${i}`, `10.1.0.${i}`)));
    const checked = answers.filter((a) => !a.ok && a.message === WRONG_CREDENTIALS).length;
    const limited = answers.filter((a) => !a.ok && /Too many sign-in attempts/.test(a.message)).length;
    expect(checked).toBe(5);
    expect(limited).toBe(45);
    expect(await t.db.loginAttempt.count({ where: { key: "account:ada@acme.test" } })).toBe(5);
  });

  it("forgets failures after a successful sign-in", async () => {
    const ws = await createWorkspace(t.db);
    await createUser(t.db, { workspaceId: ws.id, email: "ada@acme.test", password: "correct horse battery staple" });
    for (let i = 0; i < 4; i++) await signInWithPassword(t.db, "ada@acme.test", "wrong", "10.0.0.1");
    expect((await signInWithPassword(t.db, "ada@acme.test", "correct horse battery staple", "10.0.0.1")).ok).toBe(true);
    for (let i = 0; i < 4; i++) await signInWithPassword(t.db, "ada@acme.test", "wrong", "10.0.0.2");
    expect((await signInWithPassword(t.db, "ada@acme.test", "correct horse battery staple", "10.0.0.2")).ok).toBe(true);
  });
});

describe("first-run setup", () => {
  it("creates the first admin with a valid token, once, and then closes for good", async () => {
    const token = (await issueSetupToken(t.db))!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Only the hash is stored.
    expect(JSON.stringify(await t.db.setupToken.findMany())).not.toContain(token);
    const created = await completeSetup(t.db, setupInput(token));
    const user = await t.db.user.findUniqueOrThrow({ where: { id: created.userId }, include: { workspace: true } });
    expect(user).toMatchObject({ role: "admin", email: "owner@acme.test", workspace: { name: "Acme" } });
    expect(await setupIsOpen(t.db)).toBe(false);
    expect(await issueSetupToken(t.db)).toBeNull();
    await expect(completeSetup(t.db, setupInput(token, "second@acme.test"))).rejects.toMatchObject({ status: 410 });
    expect(await t.db.auditLog.count({ where: { action: "setup.first_admin" } })).toBe(1);
  });

  it("refuses a wrong or expired token", async () => {
    await issueSetupToken(t.db);
    await expect(completeSetup(t.db, setupInput("not-the-token"))).rejects.toMatchObject({ status: 403 });
    const old = (await issueSetupToken(t.db, new Date(Date.now() - 25 * 3600_000)))!;
    await expect(completeSetup(t.db, setupInput(old))).rejects.toMatchObject({ status: 403 });
    expect(await t.db.user.count()).toBe(0);
  });

  it("lets only one of two concurrent setups win", async () => {
    const a = (await issueSetupToken(t.db))!;
    const b = (await issueSetupToken(t.db))!;
    const results = await Promise.allSettled([completeSetup(t.db, setupInput(a, "a@acme.test")), completeSetup(t.db, setupInput(b, "b@acme.test"))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ApiError);
    expect(await t.db.user.count()).toBe(1);
  });
});

describe("admin:create", () => {
  it("creates users, joins the existing workspace, and refuses duplicates and weak passwords", async () => {
    const { user, workspace } = await createUserWithWorkspace(t.db, { email: "Ops@Acme.test", password: "long enough password", role: "admin", workspaceName: "Acme" });
    expect(user.email).toBe("ops@acme.test");
    const viewer = await createUserWithWorkspace(t.db, { email: "view@acme.test", password: "long enough password", role: "viewer" });
    expect(viewer.workspace.id).toBe(workspace.id);
    expect(viewer.user.role).toBe("viewer");
    await expect(createUserWithWorkspace(t.db, { email: "ops@acme.test", password: "long enough password", role: "admin" })).rejects.toThrow(/already exists/);
    await expect(createUserWithWorkspace(t.db, { email: "x@acme.test", password: "short", role: "admin" })).rejects.toThrow(/at least 12/);
  });
});
