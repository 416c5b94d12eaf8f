// Resolves a manifest's endpoint settings against the environment. Provider URLs are declared in
// the manifests (not in lib/config.ts) so adding a provider stays one folder; this is the one
// place that reads those variables.
import type { EndpointSetting } from "@/lib/integrations/kit/manifest";

/** The configured URL (environment override, else the default), without a trailing slash. */
export function endpointUrl(setting: EndpointSetting): string {
  const raw = process.env[setting.env]?.trim();
  const value = raw ? raw : setting.default;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${setting.env} must be an absolute http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${setting.env} must be an absolute http(s) URL`);
  return value.replace(/\/+$/, "");
}
