import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, BASE_URL, SAME_ORIGIN, DATA_DIR, ROOT, VIEWER } from "@/tests/e2e/env";

/** An HTTP client signed in through next-auth's credentials callback, as a browser would. */
export async function signedInRequest(email: string, password: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN });
  const result = await signIn(context, email, password);
  expect(result.error, `sign-in of ${email}`).toBeNull();
  return context;
}

export interface ApiClients {
  admin: APIRequestContext;
  viewer: APIRequestContext;
  anonymous: APIRequestContext;
  dispose(): Promise<void>;
}

type Account = { email: string; password: string };

/** HTTP clients signed in as an admin and a viewer (the e2e ones by default), and one without a session. */
export async function apiClients(users: { admin: Account; viewer: Account } = { admin: ADMIN, viewer: VIEWER }): Promise<ApiClients> {
  const [admin, viewer, anonymous] = await Promise.all([
    signedInRequest(users.admin.email, users.admin.password),
    signedInRequest(users.viewer.email, users.viewer.password),
    playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN }),
  ]);
  return { admin, viewer, anonymous, dispose: async () => void (await Promise.all([admin.dispose(), viewer.dispose(), anonymous.dispose()])) };
}

/** Posts the sign-in form; returns next-auth's error text (null on success). */
export async function signIn(context: APIRequestContext, email: string, password: string): Promise<{ error: string | null }> {
  const { csrfToken } = (await (await context.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await context.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true", callbackUrl: `${BASE_URL}/integrations` },
    maxRedirects: 0,
  });
  const { url } = (await response.json().catch(() => ({ url: response.headers()["location"] ?? "" }))) as { url: string };
  const error = new URL(url, BASE_URL).searchParams.get("error");
  return { error };
}

/** Runs a project CLI against the running app's embedded database (a second process). */
export function runCli(script: string, args: string[]): string {
  return execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, PLUGBOARD_DATA_DIR: DATA_DIR, DATABASE_URL: "" },
    encoding: "utf8",
  });
}

/** Signs in through the login page a visit to `path` redirects to, and lands back on `path`. */
export async function signInPage(page: Page, email: string, password: string, path = "/integrations"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(path.replace(/[/]/g, "\\/")));
}
