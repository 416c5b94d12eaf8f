// Form fields every email provider shares: who the email comes from.
import { z } from "zod";

export const senderEmailSchema = z.string({ error: "Enter the sender address" }).trim().pipe(z.email("Enter a valid sender email address"));

export const senderNameSchema = z
  .string()
  .trim()
  .max(100, "Keep the sender name under 100 characters")
  .optional()
  .transform((v) => (v ? v : undefined));
