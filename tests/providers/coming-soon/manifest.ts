// A provider that is announced but cannot be connected yet, for the tests of how Plugboard treats
// one (every built-in provider is available now). Registered by the tests that need it.
import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

export const comingSoonManifest: ApiKeyManifest = {
  id: "coming-soon-drive",
  name: "Coming Soon Drive",
  category: "storage",
  description: "Planned: a provider that cannot be connected yet.",
  capabilities: ["api_key"],
  authType: "api_key",
  docsUrl: "https://example.test/docs",
  icon: "/providers/s3.svg",
  status: "coming_soon",
  api: {},
  fields: [{ name: "token", label: "Token", type: "password", secret: true, required: true }],
  schema: z.object({ token: z.string() }),
};
