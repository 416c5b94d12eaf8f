// Form fields every storage provider shares: how large an upload may be and which content types
// are accepted. They are connection settings, so each bucket can have its own rules.
import { z } from "zod";
import type { AuthField } from "@/lib/integrations/kit/manifest";

export const DEFAULT_MAX_UPLOAD_MB = 500;
/** lib-storage's 10,000 parts of 8 MB cap one upload at 80 GB; stay well inside. */
export const MAX_UPLOAD_MB = 50_000;

/**
 * Accepted unless the admin says otherwise: images, video, documents and data files. Not SVG or
 * HTML, which run script when opened from a link.
 */
export const DEFAULT_ALLOWED_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "video/mp4",
  "video/quicktime",
  "application/pdf",
  "text/csv",
  "text/plain",
  "application/json",
  "application/zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

export const maxUploadMbSchema = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || (/^\d{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_UPLOAD_MB), `Enter a whole number of megabytes from 1 to ${MAX_UPLOAD_MB}`);

export const allowedTypesSchema = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine(
    (v) => v === undefined || v.split(",").every((t) => MIME_PATTERN.test(t.trim().toLowerCase())),
    "List content types separated by commas, such as image/*, application/pdf, text/csv",
  );

export const UPLOAD_RULE_FIELDS: AuthField[] = [
  {
    name: "maxUploadMb",
    label: "Largest upload (MB)",
    type: "number",
    secret: false,
    required: false,
    placeholder: String(DEFAULT_MAX_UPLOAD_MB),
    help: `Files above this size are refused. Default ${DEFAULT_MAX_UPLOAD_MB} MB.`,
  },
  {
    name: "allowedTypes",
    label: "Allowed content types",
    type: "text",
    secret: false,
    required: false,
    placeholder: "image/*, application/pdf, text/csv",
    help: "Comma-separated; type/* allows a whole family. Default: images, MP4 and QuickTime video, PDF, CSV, text, JSON, ZIP and Office documents.",
  },
];

export interface UploadRules {
  maxBytes: number;
  allowedTypes: string[];
}

export function uploadRules(fields: Record<string, string>): UploadRules {
  const mb = Number(fields.maxUploadMb);
  const types = (fields.allowedTypes ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return {
    maxBytes: (Number.isInteger(mb) && mb >= 1 && mb <= MAX_UPLOAD_MB ? mb : DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024,
    allowedTypes: types.length ? types : DEFAULT_ALLOWED_TYPES,
  };
}

/** Whether a content type (parameters ignored) is on the list, `image/*` style wildcards included. */
export function typeAllowed(rules: UploadRules, contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return rules.allowedTypes.some((allowed) => (allowed.endsWith("/*") ? type.startsWith(allowed.slice(0, -1)) : type === allowed));
}
