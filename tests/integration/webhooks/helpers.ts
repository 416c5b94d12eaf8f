// Helpers for the webhook tests: connections with stored credentials, and calling the real route
// handlers with the requests a provider would send.
import { afterAll, beforeAll } from "vitest";
import { GET as webhookGet, POST as webhookPost } from "@/app/api/webhooks/[provider]/[[...path]]/route";
import { resetConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { seal } from "@/lib/vault";

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** A connected connection with its secrets sealed and its non-secret fields in settings, as the connect flow stores them. */
export async function storedConnection(db: Db, workspaceId: string, providerId: string, secrets: Record<string, string>, settings: Record<string, string> = {}) {
  const connection = await db.connection.create({
    data: { workspaceId, providerId, authType: "accessToken" in secrets ? "oauth2" : "api_key", status: "connected", settings: { fields: settings } },
  });
  await db.credential.create({ data: { connectionId: connection.id, ...seal(secrets, { workspaceId, connectionId: connection.id }) } });
  return connection;
}

export interface Delivery {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  params?: Record<string, string | string[]>;
}

/** Calls a route handler as Next would, and reads the answer. */
export async function call(handler: Handler, delivery: Delivery): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const request = new Request(delivery.url, { method: delivery.method ?? "POST", headers: delivery.headers, body: delivery.body });
  const response = await handler(request, { params: Promise.resolve(delivery.params ?? {}) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (TwiML)
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** Sets environment variables for the file's tests and restores them afterwards. */
export function useEnv(vars: Record<string, string>): void {
  const previous: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(vars)) {
      previous[k] = process.env[k];
      process.env[k] = v;
    }
    resetConfig();
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  });
}

/** The params Next gives app/api/webhooks/[provider]/[[...path]] for a URL: `/api/webhooks/stripe/abc` → `{ provider: "stripe", path: ["abc"] }`. */
export function webhookParams(url: string): { provider: string; path?: string[] } {
  const match = /^\/api\/webhooks\/([^/]+)(?:\/(.+))?$/.exec(new URL(url).pathname);
  if (!match) throw new Error(`${url} is not a provider webhook URL (/api/webhooks/<provider>/…)`);
  return { provider: decodeURIComponent(match[1]!), ...(match[2] ? { path: match[2].split("/").map(decodeURIComponent) } : {}) };
}

/** Delivers to a provider webhook URL as Next routes it: the dynamic webhook route's handler, with the params read from the URL. */
export function deliverWebhook(delivery: Delivery) {
  return call(delivery.method === "GET" ? webhookGet : webhookPost, { ...delivery, params: webhookParams(delivery.url) });
}
