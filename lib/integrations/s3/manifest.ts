import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";
import { allowedTypesSchema, maxUploadMbSchema, UPLOAD_RULE_FIELDS } from "@/lib/integrations/kit/storage-rules";

const optional = (schema: z.ZodType<string, string>) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(schema.optional());

// Any S3-compatible service: AWS when the endpoint is empty, else R2, Spaces, B2, MinIO… Their
// key ids and region names differ (R2's region is "auto", Spaces' "nyc3"), so the rules are loose.
export const s3Schema = z.object({
  endpoint: optional(z.url({ protocol: /^https?$/, error: "Enter the endpoint as a full URL, e.g. https://<account>.r2.cloudflarestorage.com" })),
  region: z
    .string({ error: "Enter the region" })
    .trim()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, "Enter a region such as eu-west-1 (auto for Cloudflare R2)"),
  bucket: z
    .string({ error: "Enter the bucket name" })
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "Bucket names are 3–63 lower-case letters, digits, dots and hyphens"),
  accessKeyId: z
    .string({ error: "Enter the access key ID" })
    .trim()
    .regex(/^[A-Za-z0-9+/=._-]{3,128}$/, "An access key ID is 3–128 letters and digits, without spaces"),
  secretAccessKey: z.string({ error: "Enter the secret access key" }).trim().min(1, "Enter the secret access key"),
  pathStyle: optional(z.enum(["path", "virtual"], { error: "Choose path-style or virtual-hosted addressing" })),
  prefix: optional(
    z
      .string()
      .max(200, "Keep the key prefix under 200 characters")
      .regex(/^[A-Za-z0-9!_.*'()/-]+$/, "A key prefix uses letters, digits and ! _ . * ' ( ) - /")
      .refine((v) => !v.startsWith("/") && !v.split("/").some((part) => part === ".." || part === "."), "A key prefix does not start with / or contain . or .. segments"),
  ),
  maxUploadMb: maxUploadMbSchema,
  allowedTypes: allowedTypesSchema,
});

export const s3Manifest: ApiKeyManifest = {
  id: "s3",
  name: "S3 storage",
  category: "storage",
  description: "Keep uploads, post images and exports in your own bucket on AWS S3 or any S3-compatible service (Cloudflare R2, DigitalOcean Spaces, Backblaze B2, MinIO).",
  capabilities: ["api_key"],
  authType: "api_key",
  docsUrl: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html",
  icon: "/providers/s3.svg",
  status: "available",
  slots: {
    storage: () => import("@/lib/integrations/s3/storage").then((m) => m.storage),
  },
  rateLimits: {
    // Plugboard keeps every call under the write figure: it is the lower one, and one connection is one prefix.
    perConnection: { limit: 3_500, windowSeconds: 1 },
    source: "Amazon S3: 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests per second per prefix",
  },
  // The endpoint is each connection's own field (empty: AWS's regional endpoint).
  api: {},
  fields: [
    {
      name: "endpoint",
      label: "Endpoint",
      type: "url",
      address: "url",
      secret: false,
      required: false,
      placeholder: "Empty for AWS; https://<account>.r2.cloudflarestorage.com, https://nyc3.digitaloceanspaces.com, …",
    },
    { name: "region", label: "Region", type: "text", secret: false, required: true, placeholder: "eu-west-1" },
    { name: "bucket", label: "Bucket", type: "text", secret: false, required: true, placeholder: "yourcompany-plugboard" },
    { name: "accessKeyId", label: "Access key ID", type: "text", secret: false, required: true, placeholder: "AKIA…" },
    { name: "secretAccessKey", label: "Secret access key", type: "password", secret: true, required: true },
    {
      name: "pathStyle",
      label: "Addressing",
      type: "text",
      secret: false,
      required: false,
      placeholder: "Virtual-hosted (bucket.endpoint)",
      options: [
        { value: "virtual", label: "Virtual-hosted: bucket.endpoint (AWS, R2, Spaces, B2)" },
        { value: "path", label: "Path-style: endpoint/bucket (MinIO and most self-hosted servers)" },
      ],
    },
    { name: "prefix", label: "Key prefix", type: "text", secret: false, required: false, placeholder: "plugboard/", help: "Every object Plugboard writes goes under this prefix." },
    ...UPLOAD_RULE_FIELDS,
  ],
  schema: s3Schema,
  adapter: () => import("@/lib/integrations/s3/client").then((m) => m.s3Adapter),
  liveTest: "checks the bucket (HeadBucket), then writes, reads back and deletes a small probe object under the key prefix",
};
