// Keeping submitted credentials out of messages that are stored (activity log) or answered, and
// comparing the secrets webhook URLs carry.
import crypto from "node:crypto";
import { classifyError, ProviderError } from "@/lib/integrations/kit/errors";
import { redactText } from "@/lib/log";

/** Removes the given secret values — and Stripe's masked echo of a key — from a provider's message. */
export function scrubSecrets(message: string, secrets: Record<string, string>): string {
  let out = message;
  // Longest first, so a secret that contains another is removed whole.
  const values = Object.values(secrets)
    .filter((v) => v && v.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join("[redacted]");
  // "Invalid API Key provided: sk_test_****abcd": the visible tail still identifies the key.
  out = out.replace(/\b(?:sk|rk|pk)_(?:live|test)_\*+[A-Za-z0-9]*/g, "[redacted]");
  return redactText(out);
}

/**
 * A provider's error classifier whose messages never carry the given secrets: a classifier that
 * throws falls back to the generic classification, and the message is scrubbed either way.
 */
export function scrubbedClassifier(classify: (error: unknown) => ProviderError, secrets: Record<string, string>): (error: unknown) => ProviderError {
  return (error) => {
    let classified: ProviderError;
    try {
      classified = classify(error);
    } catch {
      classified = classifyError(error);
    }
    return new ProviderError(scrubSecrets(classified.message, secrets), {
      category: classified.category,
      statusCode: classified.statusCode,
      retryAfterMs: classified.retryAfterMs,
      providerCode: classified.providerCode,
    });
  };
}

/** Constant-time comparison of a secret a URL carries with the expected one (hashing evens out the lengths). */
export function urlSecretMatches(given: string | null | undefined, expected: string | null | undefined): boolean {
  if (!given || !expected) return false;
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
