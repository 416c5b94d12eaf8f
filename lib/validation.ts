// Small zod building blocks for request bodies: optional text that turns "" into null, and an
// optional http(s) address.
import { z } from "zod";

export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max} characters`)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));

export const optionalHttpUrl = (error: string) =>
  z
    .string()
    .trim()
    .optional()
    .nullable()
    .transform((v) => (v ? v : null))
    .pipe(z.url({ protocol: /^https?$/, error }).nullable());
