import { z } from "zod";
import type { ApiKeyManifest } from "@/lib/integrations/kit/manifest";

export const s3Schema = z.object({
  accessKeyId: z
    .string({ error: "Enter the access key ID" })
    .trim()
    .regex(/^[A-Z0-9]{16,128}$/, "An access key ID is 16–128 upper-case letters and digits (AKIA…)"),
  secretAccessKey: z.string({ error: "Enter the secret access key" }).trim().min(1, "Enter the secret access key"),
  region: z
    .string({ error: "Enter the region" })
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "Enter a region such as eu-west-1"),
  bucket: z
    .string({ error: "Enter the bucket name" })
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "Bucket names are 3–63 lower-case letters, digits, dots and hyphens"),
});

export const s3Manifest: ApiKeyManifest = {
  id: "s3",
  name: "Amazon S3",
  category: "storage",
  description: "Planned: store exports and attachments in an S3 bucket (or any S3-compatible storage).",
  capabilities: ["api_key"],
  authType: "api_key",
  docsUrl: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html",
  icon: "/providers/s3.svg",
  status: "coming_soon",
  rateLimits: {
    perConnection: { limit: 3_500, windowSeconds: 1 },
    source: "Amazon S3: 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests per second per prefix",
  },
  api: {
    base: {
      env: "S3_ENDPOINT",
      default: "https://s3.amazonaws.com",
      description: "S3 endpoint; set it for S3-compatible storage (MinIO, R2, …)",
    },
  },
  fields: [
    { name: "accessKeyId", label: "Access key ID", type: "text", secret: false, required: true, placeholder: "AKIA…" },
    { name: "secretAccessKey", label: "Secret access key", type: "password", secret: true, required: true },
    { name: "region", label: "Region", type: "text", secret: false, required: true, placeholder: "eu-west-1" },
    { name: "bucket", label: "Bucket", type: "text", secret: false, required: true, placeholder: "yourcompany-plugboard" },
  ],
  schema: s3Schema,
};
