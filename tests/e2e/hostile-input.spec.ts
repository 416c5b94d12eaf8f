// No 5xx on bad input, checked on every route the app has: the route list comes from app/api's
// files and the field names from the zod schemas in app/ and lib/, so a new route or field is
// swept without anyone adding it here. Each route gets hostile path segments (invalid UTF-8,
// NUL, traversal, backslashes, bidi controls, very long), hostile query strings and hostile JSON
// bodies (every known field set to the same hostile value: empty, NUL, a lone surrogate, "%ff",
// a backslash host, control characters, huge and odd numbers, wrong types), as an admin of a
// workspace of its own (what the sweep changes stays there) and without a session. Next-auth's
// own routes and the pages get hostile callback URLs.
import fs from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { BASE_URL, ROOT, SAME_ORIGIN } from "@/tests/e2e/env";
import { runCli, signedInRequest } from "@/tests/e2e/helpers";

const SWEEPER = { email: "sweeper@plugboard.test", password: "sweeper password for e2e" };

interface RouteFile {
  /** The route's pattern, e.g. /api/connections/[id]/test. */
  pattern: string;
  methods: string[];
}

function routeFiles(dir = path.join(ROOT, "app/api")): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(full));
    else if (entry.name === "route.ts") {
      const source = fs.readFileSync(full, "utf8");
      const methods = [...source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
      for (const m of (source.match(/export\s*\{([^}]*)\}/)?.[1] ?? "").matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.push(m[1]!);
      out.push({ pattern: "/" + path.relative(path.join(ROOT, "app"), dir).split(path.sep).join("/"), methods });
    }
  }
  return out;
}

/** Every field name a zod object in app/ or lib/ declares (`name: z.…`), the settings' own excepted. */
function fieldNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "generated") walk(full);
      } else if (/\.tsx?$/.test(entry.name)) {
        for (const m of fs.readFileSync(full, "utf8").matchAll(/\b([a-z_]\w*)\s*:\s*z\b/g)) names.add(m[1]!);
      }
    }
  };
  walk(path.join(ROOT, "app"));
  walk(path.join(ROOT, "lib"));
  return [...names].sort();
}

// Values a path segment arrives with, already percent-encoded as a client would send them.
const HOSTILE_SEGMENTS = ["%ff", "%00", "%C0%AF", "..%2F..%2Fetc", "%5C%5Cevil.example", "%E2%80%AE", "%0A", "a".repeat(3000), "%25"];
// Values every field of a body, or every query parameter, gets in turn.
const HOSTILE_VALUES: unknown[] = [
  "",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "half \udfff",
  "%ff",
  "\\\\evil.example",
  "/\t/evil.example/",
  "a\r\nb",
  "x".repeat(20_000),
  -1,
  0,
  1.5,
  1e21,
  -1e21,
  true,
  null,
  [],
  {},
  [null],
  { "\u0000": 1 },
];
// Bodies that are not objects at all, or not JSON.
const RAW_BODIES = ["null", "[]", '"text"', "1", "{", "", '{"a":"\\ud800"}', '{"a":"\\u0000"}', "\u0000"];

/** A plausible value for a dynamic segment, so requests reach the code behind it. */
function plausible(segment: string): string {
  if (/provider/.test(segment)) return "stripe";
  if (/job/.test(segment)) return "prune";
  if (/^\[\[?\.\.\./.test(segment)) return "x";
  return "no-such-id";
}

function fill(pattern: string, replace?: { index: number; value: string }): string {
  return pattern
    .split("/")
    .map((segment, index) => (replace?.index === index ? replace.value : segment.startsWith("[") ? plausible(segment) : segment))
    .join("/");
}

async function sweep(client: APIRequestContext, requests: { method: string; url: string; body?: string }[]): Promise<string[]> {
  const failures: string[] = [];
  // A few at a time: the server is one process, and the point is every answer, not a load test.
  for (let i = 0; i < requests.length; i += 8) {
    await Promise.all(
      requests.slice(i, i + 8).map(async ({ method, url, body }) => {
        let response: APIResponse;
        try {
          response = await client.fetch(url, {
            method,
            maxRedirects: 0,
            ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, data: Buffer.from(body) }),
          });
        } catch (error) {
          failures.push(`${method} ${url.slice(0, 200)}: no answer (${(error as Error).message.split("\n")[0]})`);
          return;
        }
        if (response.status() >= 500) {
          failures.push(`${method} ${url.slice(0, 200)} ${(body ?? "").slice(0, 80)} → ${response.status()} ${(await response.text()).slice(0, 200)}`);
        }
      }),
    );
  }
  return failures;
}

/** Percent-encodes `text`; a lone surrogate (which encodeURIComponent refuses) goes out as the bytes a careless client would send. */
function queryValue(text: string): string {
  return [...text].map((char) => (/[\ud800-\udfff]/.test(char) ? "%ED%A0%80" : encodeURIComponent(char))).join("");
}

let sweeper: APIRequestContext;
let anonymous: APIRequestContext;

test.beforeAll(async () => {
  // A worker restarted after a failure runs this again: the sweeper may exist already.
  try {
    runCli("scripts/admin-create.ts", ["--email", SWEEPER.email, "--password", SWEEPER.password, "--workspace", "Hostile input"]);
  } catch (error) {
    if (!String((error as { stderr?: string }).stderr).includes("already exists")) throw error;
  }
  sweeper = await signedInRequest(SWEEPER.email, SWEEPER.password);
  anonymous = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN });
});
test.afterAll(async () => {
  await sweeper?.dispose();
  await anonymous?.dispose();
});

test("no API route answers 5xx to hostile paths, queries or bodies, signed in or not", async () => {
  test.setTimeout(300_000);
  const routes = routeFiles();
  const fields = fieldNames();
  expect(routes.length).toBeGreaterThan(40);
  expect(fields).toEqual(expect.arrayContaining(["name", "email", "dayStart", "url", "amount", "metadata", "pageSize"]));

  const requests: { method: string; url: string; body?: string }[] = [];
  for (const route of routes) {
    const segments = route.pattern.split("/");
    for (const method of route.methods) {
      const takesBody = method !== "GET" && method !== "DELETE";
      const base = fill(route.pattern);
      // Hostile path segments, one dynamic segment at a time.
      segments.forEach((segment, index) => {
        if (!segment.startsWith("[")) return;
        for (const value of HOSTILE_SEGMENTS) requests.push({ method, url: fill(route.pattern, { index, value }), body: takesBody ? "{}" : undefined });
      });
      if (takesBody) {
        for (const value of HOSTILE_VALUES) requests.push({ method, url: base, body: JSON.stringify(Object.fromEntries(fields.map((f) => [f, value]))) });
        for (const raw of RAW_BODIES) requests.push({ method, url: base, body: raw });
      } else {
        for (const value of HOSTILE_VALUES) {
          const text = typeof value === "string" ? value : JSON.stringify(value);
          requests.push({ method, url: `${base}?${fields.map((f) => `${f}=${queryValue(text.slice(0, 200))}`).join("&")}` });
        }
        for (const raw of ["%ff", "%00", "%", "a=%ff&a=%00", "pageSize=1e999&page=-0"]) requests.push({ method, url: `${base}?${fields.map((f) => `${f}=${raw}`).join("&")}` });
      }
    }
  }
  expect(requests.length).toBeGreaterThan(1000);
  const failures = [...(await sweep(sweeper, requests)), ...(await sweep(anonymous, requests))];
  expect(failures).toEqual([]);
});

test("next-auth's routes and the pages take hostile callback URLs without a 5xx or an off-site redirect", async () => {
  const callbacks = [
    "\\\\evil.example",
    "/\\evil.example",
    "//evil.example",
    "/\n/evil.example",
    "/\t/evil.example",
    "%ff",
    "\u0000",
    "javascript:alert(1)",
    "http://evil.example/",
  ];
  const requests: { method: string; url: string; body?: string }[] = [];
  for (const callbackUrl of callbacks) {
    const query = `callbackUrl=${encodeURIComponent(callbackUrl)}`;
    for (const url of [
      "/api/auth/signin",
      "/api/auth/signout",
      "/api/auth/session",
      "/api/auth/csrf",
      "/api/auth/providers",
      "/api/auth/error",
      "/login",
      "/integrations",
      "/setup",
    ]) {
      requests.push({ method: "GET", url: `${url}?${query}` });
    }
    requests.push({ method: "GET", url: `/api/auth/signin?${query.replace(/%25ff/i, "%ff")}` });
  }
  expect(await sweep(anonymous, requests)).toEqual([]);

  // The credentials callback with a hostile callbackUrl (and the right CSRF token) signs in or
  // not, but never sends the browser off-site.
  for (const callbackUrl of callbacks) {
    const client = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: SAME_ORIGIN });
    try {
      const { csrfToken } = (await (await client.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const response = await client.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: "nobody@plugboard.test", password: "wrong password", callbackUrl },
        maxRedirects: 0,
      });
      expect(response.status(), JSON.stringify(callbackUrl)).toBeLessThan(500);
      const location = response.headers()["location"];
      if (location) expect(new URL(location, BASE_URL).origin, JSON.stringify(callbackUrl)).toBe(new URL(BASE_URL).origin);
    } finally {
      await client.dispose();
    }
  }
});
