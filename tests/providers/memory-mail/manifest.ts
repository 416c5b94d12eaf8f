// A provider that exists only in tests: email "sent" into memory. It proves the seam — registered
// from tests/ with registerProvider(), it is connected by the generic API-key flow and picked by
// template sending through the `email` slot, with no change to any file outside this folder.
import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

export const memoryMailManifest: ApiKeyManifest = {
  id: "memory-mail",
  name: "Memory Mail",
  category: "email",
  description: "Test-only email provider that keeps sent mail in memory.",
  capabilities: ["api_key"],
  authType: "api_key",
  docsUrl: "https://example.test/memory-mail",
  icon: "/providers/smtp.svg",
  status: "available",
  slots: {
    email: () => import("@/tests/providers/memory-mail/email").then((m) => m.email),
  },
  api: {},
  fields: [
    { name: "token", label: "Token", type: "password", secret: true, required: true },
    { name: "fromEmail", label: "Sender email", type: "email", secret: false, required: true },
  ],
  schema: z.object({ token: z.string().min(8, "The token has at least 8 characters"), fromEmail: z.email() }),
  adapter: () => import("@/tests/providers/memory-mail/email").then((m) => m.adapter),
};
